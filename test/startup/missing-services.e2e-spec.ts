import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unlinkMatching } from '@tracker/infrastructure';
import { Redis } from 'ioredis';
import { freePort } from '../soak/processes';
import { REPO_ROOT } from '../support/eventstore-process';

jest.setTimeout(120_000);

// Real processes as an office starts them, with a service missing: one clear line per outage, no stack
// traces, and SIGTERM ends them within 10 seconds.

// Nest colours its log lines; the checks read the text.
const plain = (text: string) => text.replace(new RegExp(String.fromCharCode(27) + '\\[[0-9;]*m', 'g'), '');

type Run = {
  child: ChildProcess;
  output(): string;
  waitFor(pattern: RegExp, ms?: number): Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<{ ms: number; code: number | null }>;
};

function run(script: string, args: string[], env: Record<string, string | undefined>, wrap?: string[]): Run {
  const node = [process.execPath, '-r', '@swc-node/register', script, ...args];
  const [cmd, ...rest] = wrap ? [...wrap, ...node] : node;
  const child = spawn(cmd, rest, {
    cwd: REPO_ROOT,
    env: Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return {
    child,
    output: () => plain(out),
    async waitFor(pattern, ms = 60_000) {
      const until = Date.now() + ms;
      while (!pattern.test(plain(out))) {
        if (child.exitCode !== null) throw new Error(`exited before ${pattern}:\n${out}`);
        if (Date.now() > until) throw new Error(`no ${pattern} within ${ms} ms:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop(signal = 'SIGTERM') {
      const start = Date.now();
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const code = await exited;
      clearTimeout(timer);
      return { ms: Date.now() - start, code };
    },
  };
}

const outageLines = (text: string) => text.split('\n').filter((l) => /is not answering/.test(l));
const stackLines = (text: string) =>
  text.split('\n').filter((l) => /^\s+at .+\(.*:\d+:\d+\)$|^Error: connect/.test(l));

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tracker-startup-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

// A key prefix of its own: an app that reaches the local Redis (once the event store appears) writes its
// queues' keys there, removed after the file.
const prefix = `test-startup:${process.pid}:`;
afterAll(async () => {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true });
  await unlinkMatching(redis, `${prefix}*`)
    .catch(() => undefined)
    .finally(() => redis.disconnect());
});

const baseEnv = () => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  NODE_ENV: 'development',
  EVENTSTORE_DATA_DIR: join(dir, 'eventstore'),
  REDIS_KEY_PREFIX: prefix,
});

describe('with Redis unreachable', () => {
  it('npm start says so once, names the URL and what to do, answers health 503, and stops on SIGTERM within 10 s', async () => {
    const [port, redisPort] = [await freePort(), await freePort()];
    const api = run('apps/api/src/main.ts', [], {
      ...baseEnv(),
      PORT: String(port),
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    });
    await api.waitFor(/API listening/);
    const health = await fetch(`http://127.0.0.1:${port}/api/health`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ redis: { status: 'down' } });
    await new Promise((r) => setTimeout(r, 5_000)); // several reconnect attempts
    const { ms } = await api.stop('SIGTERM');
    const out = api.output();
    expect(outageLines(out)).toHaveLength(1);
    expect(outageLines(out)[0]).toContain(`redis://127.0.0.1:${redisPort}`);
    expect(outageLines(out)[0]).toMatch(/start Redis/);
    expect(stackLines(out)).toEqual([]);
    expect(ms).toBeLessThan(10_000);
  });

  it('the worker too; SIGINT as well', async () => {
    const redisPort = await freePort();
    const worker = run('apps/worker/src/main.ts', [], {
      ...baseEnv(),
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    });
    await worker.waitFor(/worker running/);
    await new Promise((r) => setTimeout(r, 4_000));
    const { ms } = await worker.stop('SIGINT');
    const out = worker.output();
    expect(outageLines(out)).toHaveLength(1);
    expect(stackLines(out)).toEqual([]);
    expect(ms).toBeLessThan(10_000);
  });

  it('npm run eventstore stops on SIGTERM within 10 s', async () => {
    const es = run('apps/eventstore/src/main.ts', ['--port', '0', '--data', join(dir, 'es')], baseEnv());
    await es.waitFor(/"listening"/);
    const { ms, code } = await es.stop('SIGTERM');
    expect(code).toBe(0);
    expect(ms).toBeLessThan(10_000);
  });
});

describe('with the event store unreachable', () => {
  it('npm start says so once, starts when the store appears, and stops on SIGTERM within 10 s', async () => {
    const [port, esPort] = [await freePort(), await freePort()];
    const api = run('apps/api/src/main.ts', [], {
      ...baseEnv(),
      PORT: String(port),
      EVENTSTORE_CONNECTION_STRING: `esdb://127.0.0.1:${esPort}?tls=false`,
    });
    await api.waitFor(/event store at esdb:\/\/127\.0\.0\.1:\d+\S* is not answering/);
    await new Promise((r) => setTimeout(r, 3_000));
    const es = run('apps/eventstore/src/main.ts', ['--port', String(esPort), '--memory'], baseEnv());
    try {
      await api.waitFor(/API listening/);
      await api.waitFor(/event store at \S+ answering/, 20_000);
      expect(
        api
          .output()
          .split('\n')
          .filter((l) => /event store at .* is not answering/.test(l)),
      ).toHaveLength(1);
      const { ms } = await api.stop('SIGTERM');
      expect(ms).toBeLessThan(10_000);
      expect(stackLines(api.output())).toEqual([]);
    } finally {
      await es.stop('SIGTERM');
    }
  });
});

describe('configuration refused at start, with the reason', () => {
  it('a tokens file with two entries of one name, or a clerk without units; demo data in production', async () => {
    const file = join(dir, 'tokens.json');
    writeFileSync(
      file,
      JSON.stringify([
        { token: 'clerk-token-0123456789', name: 'lan', role: 'clerk', units: ['SCT'] },
        { token: 'clerk-token-9876543210', name: 'lan', role: 'clerk', units: ['HOIAN'] },
        { token: 'super-token-0123456789', name: 'minh', role: 'supervisor' },
      ]),
    );
    const tokens = run('apps/api/src/main.ts', [], { ...baseEnv(), TRACKER_TOKENS_FILE: file });
    const code = await new Promise((done) => tokens.child.once('exit', done));
    expect(code).toBe(2);
    expect(tokens.output()).toMatch(/\[1\] \(lan\)\.name: "lan" is already the name of entry \[0\]/);
    expect(tokens.output()).toMatch(/\[2\] \(minh\)\.units/);

    writeFileSync(file, JSON.stringify([{ token: 'admin-token-0123456789', name: 'root', role: 'admin' }]));
    const demo = run('apps/api/src/main.ts', ['--demo'], {
      ...baseEnv(),
      NODE_ENV: 'production',
      TRACKER_TOKENS_FILE: file,
    });
    expect(await new Promise((done) => demo.child.once('exit', done))).toBe(2);
    expect(demo.output()).toMatch(/TRACKER_DEMO[^\n]*refused when NODE_ENV=production/);
  });
});

// A network namespace of its own (nothing on 127.0.0.1:6379) needs unshare and the right to use it.
const canIsolate = spawnSync('unshare', ['-n', 'true']).status === 0;
if (!canIsolate) console.warn('test/startup: local Redis start-up skipped (unshare -n is not allowed here)');
const describeIsolated = canIsolate ? describe : describe.skip;
const isolated = ['unshare', '-n', 'sh', '-c', 'ip link set lo up && exec "$0" "$@"'];

describeIsolated('with REDIS_URL unset and nothing on 127.0.0.1:6379', () => {
  it('npm start starts redis-server itself (data beside the event store, append-only), says so, stops it on exit', async () => {
    const api = run('apps/api/src/main.ts', [], { ...baseEnv(), PORT: '3000' }, isolated);
    await api.waitFor(/API listening/);
    expect(api.output()).toMatch(
      /started \S*redis-server there \(pid \d+, data in \S+\/redis, append-only\)/,
    );
    const pid = Number(/pid (\d+)/.exec(api.output())![1]);
    expect(existsSync(join(dir, 'redis'))).toBe(true);
    expect(outageLines(api.output())).toEqual([]);
    const { ms } = await api.stop('SIGTERM');
    expect(ms).toBeLessThan(10_000);
    expect(api.output()).toMatch(/stopped the redis-server it had started/);
    expect(() => process.kill(pid, 0)).toThrow();
  });

  it('without a redis-server binary, it says how to install one', async () => {
    const api = run('apps/api/src/main.ts', [], { ...baseEnv(), PORT: '3000' }, [
      'unshare',
      '-n',
      'sh',
      '-c',
      'ip link set lo up && PATH=/nonexistent exec "$0" "$@"',
    ]);
    await api.waitFor(/API listening/);
    expect(api.output()).toMatch(
      /no redis-server is on the PATH: install Redis \(Debian\/Ubuntu: sudo apt-get install redis-server/,
    );
    const { ms } = await api.stop('SIGTERM');
    expect(ms).toBeLessThan(10_000);
  });
});
