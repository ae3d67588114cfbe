import { unlinkMatching } from '@tracker/infrastructure';
import { uniqueToken, waitFor } from '@tracker/testing';
import { Redis } from 'ioredis';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../soak/processes';
import { REPO_ROOT } from '../support/eventstore-process';

jest.setTimeout(120_000);

// Production runs the built JavaScript: `npm run build` once, then the npm scripts an office (or the Docker
// image) runs, with a guard that refuses any .ts file and any dev dependency (the transpiler among them), so a
// start proves the built JS needs neither; the pages and public assets are found from dist/.

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ADMIN = 'prod-build-admin-token-0000000000';
const plain = (text: string) => text.replace(new RegExp(String.fromCharCode(27) + '\\[[0-9;]*m', 'g'), '');

let dir: string;
let prefix: string;

beforeAll(() => {
  const build = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}\n${build.stderr}`);
  dir = mkdtempSync(join(tmpdir(), 'tracker-prod-'));
  writeFileSync(join(dir, 'tokens.json'), JSON.stringify([{ token: ADMIN, name: 'admin', role: 'admin' }]));
  // Loaded into every node the npm scripts start: TypeScript, its transpiler and any dev dependency are
  // refused outright (what the Docker image's pruned node_modules would not have).
  const devDependencies = Object.keys(
    (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { devDependencies: object })
      .devDependencies,
  );
  writeFileSync(
    join(dir, 'no-typescript.cjs'),
    `const Module = require('node:module');
const dev = new Set(${JSON.stringify(devDependencies)});
const root = ${JSON.stringify(REPO_ROOT + '/')};
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  const name = request.startsWith('@') ? request.split('/').slice(0, 2).join('/') : request.split('/')[0];
  const ours = parent && parent.filename && parent.filename.startsWith(root);
  if (/\\.ts$/.test(request) || (ours && dev.has(name))) throw new Error('built JS loaded ' + request);
  const file = resolve.call(this, request, parent, ...rest);
  if (/\\.ts$/.test(file)) throw new Error('built JS loaded ' + file);
  return file;
};`,
  );
  prefix = `test:${uniqueToken()}:`;
}, 600_000);

afterAll(async () => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1, retryStrategy: () => null });
  redis.on('error', () => undefined);
  await unlinkMatching(redis, `${prefix}*`).catch(() => undefined);
  redis.disconnect();
});

type Run = {
  output(): string;
  waitFor(pattern: RegExp, ms?: number): Promise<void>;
  stop(): Promise<number | null>;
};

/** Whether any process of the group `pgid` is still there (signal 0 only checks). */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function npmRun(script: string, args: string[], env: Record<string, string>): Run {
  const child: ChildProcess = spawn(
    'npm',
    ['run', '--silent', script, ...(args.length ? ['--', ...args] : [])],
    {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        REDIS_URL,
        REDIS_KEY_PREFIX: prefix,
        NODE_OPTIONS: `--require ${join(dir, 'no-typescript.cjs')}`,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group: npm and the node it starts stop together
    },
  );
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return {
    output: () => plain(out),
    async waitFor(pattern, ms = 60_000) {
      const until = Date.now() + ms;
      while (!pattern.test(plain(out))) {
        if (child.exitCode !== null) throw new Error(`${script} exited before ${pattern}:\n${out}`);
        if (Date.now() > until) throw new Error(`no ${pattern} within ${ms} ms:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      process.kill(-child.pid!, 'SIGTERM');
      const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 20_000);
      const code = await exited;
      // npm may exit before the node it started has closed: wait for the whole group, so a process
      // stopped next (the event store under the worker) is not gone while this one still closes.
      const until = Date.now() + 20_000;
      while (groupAlive(child.pid!) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      clearTimeout(timer);
      return code;
    },
  };
}

describe('npm run build', () => {
  it('leaves the entry points and the public pages in dist/', () => {
    for (const file of [
      'apps/api/src/main.js',
      'apps/worker/src/main.js',
      'apps/eventstore/src/main.js',
      'apps/api/public/index.html',
    ]) {
      expect(existsSync(join(REPO_ROOT, 'dist', file))).toBe(true);
    }
  });
});

describe('npm run start:prod', () => {
  it('serves health, the pages, the OpenAPI description and writes, from built JavaScript', async () => {
    const port = await freePort();
    const api = npmRun('start:prod', [], {
      NODE_ENV: 'production',
      PORT: String(port),
      EVENTSTORE_DATA_DIR: join(dir, 'eventstore'),
      TRACKER_TOKENS_FILE: join(dir, 'tokens.json'),
    });
    try {
      await api.waitFor(/API listening on/);
      const base = `http://127.0.0.1:${port}`;
      // Listening comes first; ready once the reference data has caught up (503 "starting" until then).
      await waitFor(async () => (await fetch(`${base}/api/health`)).status === 200, {
        description: 'the API ready',
      });
      const health = await fetch(`${base}/api/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ready', eventStore: { status: 'up' } });

      const board = await fetch(`${base}/board.html`);
      expect(board.status).toBe(200);
      expect(board.headers.get('content-type')).toMatch(/html/);
      expect(await board.text()).toMatch(/<html/i);
      expect((await fetch(`${base}/vendor/chart.umd.min.js`)).status).toBe(200);

      const openapi = await fetch(`${base}/api/openapi.json`);
      expect(openapi.status).toBe(200);
      const doc = (await openapi.json()) as any;
      expect(doc.paths['/api/dossiers'].post.requestBody).toBeDefined();
      expect(doc.components.schemas['RecordDossierStepRequest.processed']).toBeDefined();
      const docs = await fetch(`${base}/api/docs`);
      expect(docs.status).toBe(200);
      expect(await docs.text()).toContain('swagger-ui');

      const unit = await fetch(`${base}/api/units/SCT`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Sở Công Thương', level: 'department' }),
      });
      expect(unit.status).toBe(200);
    } finally {
      await api.stop();
    }
    expect(api.output()).not.toMatch(/built JS loaded/);
  });
});

describe('npm run eventstore:prod and start:prod:worker', () => {
  it('run the event store alone and the worker against it, from built JavaScript', async () => {
    const store = npmRun('eventstore:prod', ['--port', '0', '--data', join(dir, 'alone')], {});
    let worker: Run | undefined;
    try {
      await store.waitFor(/"event":"listening"/);
      const { port } = JSON.parse(/\{"event":"listening".*\}/.exec(store.output())![0]) as { port: number };
      worker = npmRun('start:prod:worker', [], {
        NODE_ENV: 'development',
        EVENTSTORE_CONNECTION_STRING: `esdb://127.0.0.1:${port}?tls=false`,
      });
      await worker.waitFor(/worker running \(event store: external\)/);
    } finally {
      await worker?.stop();
      await store.stop();
    }
    expect(`${store.output()}${worker?.output()}`).not.toMatch(/built JS loaded|Error:/);
  });
});
