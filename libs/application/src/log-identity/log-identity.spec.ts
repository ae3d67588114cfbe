import { staleGenerationReason } from './log-identity';

describe('staleGenerationReason', () => {
  it('lets a generation go on against the log it was built from, up to its head', () => {
    expect(staleGenerationReason({ position: 500n, logId: 'a' }, 'a', 500n)).toBeUndefined();
    expect(staleGenerationReason({ position: 400n, logId: 'a' }, 'a', 900n)).toBeUndefined();
  });

  it('adopts the log when nothing was folded yet', () => {
    expect(staleGenerationReason({ position: undefined }, 'a', 0n)).toBeUndefined();
    expect(staleGenerationReason({ position: undefined, logId: 'b' }, 'a', 0n)).toBeUndefined();
  });

  it('rebuilds for another log, a missing identity, or a checkpoint past the head', () => {
    expect(staleGenerationReason({ position: 500n, logId: 'b' }, 'a', 900n)).toMatch(/built from log b/);
    expect(staleGenerationReason({ position: 500n }, 'a', 900n)).toMatch(/before logs had an identity/);
    expect(staleGenerationReason({ position: 901n, logId: 'a' }, 'a', 900n)).toMatch(/beyond the log's head/);
  });
});
