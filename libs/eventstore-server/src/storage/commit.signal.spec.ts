import { CommitSignal } from './commit.signal';

const abortable = () => {
  const callbacks: (() => void)[] = [];
  return {
    onAbort(cb: () => void) {
      callbacks.push(cb);
      return () => callbacks.splice(callbacks.indexOf(cb), 1);
    },
    abort: () => callbacks.splice(0).forEach((cb) => cb()),
  };
};

describe('CommitSignal', () => {
  it('resolves at once when a commit happened since the sequence was read (no lost wake-up)', async () => {
    const signal = new CommitSignal();
    const seen = signal.seq;
    signal.notify('s');
    await signal.wait(seen, undefined, abortable());
    expect(signal.waiterCount).toBe(0);
  });

  it('wakes $all waiters on any commit and stream waiters only on their stream', async () => {
    const signal = new CommitSignal();
    const woke: string[] = [];
    void signal.wait(signal.seq, undefined, abortable()).then(() => woke.push('all'));
    void signal.wait(signal.seq, 'b', abortable()).then(() => woke.push('b'));
    signal.notify('a');
    await Promise.resolve();
    expect(woke).toEqual(['all']);
    signal.notify('b');
    await Promise.resolve();
    expect(woke).toEqual(['all', 'b']);
  });

  it('releases a waiter on abort and forgets it', async () => {
    const signal = new CommitSignal();
    const abort = abortable();
    const waiting = signal.wait(signal.seq, 's', abort);
    expect(signal.waiterCount).toBe(1);
    abort.abort();
    await waiting;
    expect(signal.waiterCount).toBe(0);
  });
});
