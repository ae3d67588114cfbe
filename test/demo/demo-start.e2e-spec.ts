import Database from 'better-sqlite3';
import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { Browser } from 'playwright-core';
import { unlinkMatching } from '@tracker/infrastructure';
import { freePort } from '../soak/processes';
import { REPO_ROOT } from '../support/eventstore-process';
import { hasChromium, launchBrowser, loginAs } from '../dashboard/browser';

jest.setTimeout(900_000);

// `npm start -- --demo` as an office runs it: the seeding reports its progress on the console and at
// GET /api/demo (and the pages' banner) while it runs, says done once the read models have it all, and a
// second start on the same data adds nothing.

const SCALE = 0.01;
const TOTAL = Math.round(113_695 * 4 * SCALE);
const ADMIN = `demo-admin-${randomUUID()}`;
const plain = (text: string) => text.replace(new RegExp(String.fromCharCode(27) + '\\[[0-9;]*m', 'g'), '');

type DemoStatus = {
  state: string;
  percent: number;
  dossiers?: number;
  total?: number;
  stage?: string;
  quarter?: string;
};

let dir: string;
let prefix: string;
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tracker-demo-'));
  prefix = `test:demo:${randomUUID().slice(0, 8)}:`;
  writeFileSync(
    join(dir, 'tokens.json'),
    JSON.stringify([{ token: ADMIN, name: 'demo-admin', role: 'admin' }]),
  );
});

afterAll(async () => {
  const redis = new Redis(redisUrl);
  await unlinkMatching(redis, `${prefix}*`);
  await redis.quit();
  rmSync(dir, { recursive: true, force: true });
});

function start(port: number): { child: ChildProcess; output: () => string; stop: () => Promise<void> } {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/api/src/main.ts', '--demo'], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'development',
      PORT: String(port),
      EVENTSTORE_DATA_DIR: join(dir, 'eventstore'),
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: prefix,
      TRACKER_TOKENS_FILE: join(dir, 'tokens.json'),
      TRACKER_DEMO_SCALE: String(SCALE),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  return {
    child,
    output: () => plain(out),
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** GET /api/demo without a token (undefined while the server is not listening yet). */
async function demoStatus(port: number): Promise<DemoStatus | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/api/demo`);
    return res.ok ? ((await res.json()) as DemoStatus) : undefined;
  } catch {
    return undefined;
  }
}

/** Dossiers received in the log (read after the server stopped). */
function receivedInLog(): number {
  const db = new Database(join(dir, 'eventstore', 'events.sqlite'), { readonly: true });
  try {
    return (
      db.prepare(`SELECT count(*) AS n FROM events WHERE type = 'DossierReceived'`).get() as { n: number }
    ).n;
  } finally {
    db.close();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('reports its progress while seeding, shows a banner on the pages, says done after, and a restart adds nothing', async () => {
  const port = await freePort();
  const browser: Browser | undefined = hasChromium ? await launchBrowser() : undefined;
  const api = start(port);
  try {
    const seen: DemoStatus[] = [];
    let banner: string | undefined;
    let session: Awaited<ReturnType<typeof loginAs>> | undefined;
    const until = Date.now() + 840_000;
    for (;;) {
      if (api.child.exitCode !== null) throw new Error(`exited:\n${api.output()}`);
      if (Date.now() > until) throw new Error(`not done in time: ${JSON.stringify(seen.at(-1))}`);
      const status = await demoStatus(port);
      if (status) seen.push(status);
      if (status?.state === 'done') break;
      // While seeding: the board page shows the banner with the percentage.
      if (browser && !session && status?.state === 'seeding') {
        session = await loginAs(browser, `http://127.0.0.1:${port}`, ADMIN, '/board.html');
        const shown = session.page.locator('.demo-progress');
        await shown.waitFor();
        banner = (await shown.textContent()) ?? undefined;
      }
      await sleep(200);
    }

    const states = seen.map((s) => s.state);
    expect(states).toContain('seeding');
    expect(states.indexOf('seeding')).toBeLessThan(states.indexOf('done'));
    const seeding = seen.filter((s) => s.state === 'seeding' || s.state === 'catching-up');
    for (const s of seeding) expect(s.percent).toBeLessThanOrEqual(99);
    const percents = seen.map((s) => s.percent);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(seen.at(-1)).toEqual({ state: 'done', percent: 100, dossiers: TOTAL, total: TOTAL });
    // Written in stages: the last two weeks, the last complete quarter, then the rest.
    const order = ['recent', 'quarter', 'later', 'older'];
    const stages = seen.flatMap((s) => (s.stage ? [order.indexOf(s.stage)] : []));
    expect(stages).toEqual([...stages].sort((a, b) => a - b));
    expect(stages.at(-1)).toBe(order.indexOf('older'));
    expect(seen.find((s) => s.quarter)?.quarter).toMatch(/^\d{4}-Q[1-4]$/);
    // On the console: a line at each tenth, then the report and when the pages have it all.
    const output = api.output();
    expect(output).toMatch(new RegExp(`demo: \\d+/${TOTAL} dossiers \\(50 %`));
    expect(output).toMatch(new RegExp(`demo: ${TOTAL} dossiers \\(.*, 0 refused`));
    expect(output).toMatch(/demo province ready/);
    // The board's dossiers written, then the quarter's, in the read models before more were written.
    expect(output).toMatch(/demo: recent written/);
    expect(output).toMatch(/demo: quarter written and taken in by the read models/);
    if (session) {
      expect(banner).toMatch(/^Đang nạp dữ liệu mẫu… \d{1,2} %/);
      // The open page's banner goes away by itself once done.
      await session.page.locator('.demo-progress').waitFor({ state: 'detached' });
      expect(session.errors).toEqual([]);
      await session.context.close();
    }
  } finally {
    await api.stop();
    await browser?.close();
  }
  expect(receivedInLog()).toBe(TOTAL);

  // The same data again: nothing more to seed, done at once.
  const again = start(port);
  try {
    let status: DemoStatus | undefined;
    while (!(status = await demoStatus(port))) {
      if (again.child.exitCode !== null) throw new Error(`exited:\n${again.output()}`);
      await sleep(200);
    }
    expect(status).toEqual({ state: 'done', percent: 100 });
    expect(again.output()).toMatch(/demo province already seeded/);
  } finally {
    await again.stop();
  }
  expect(receivedInLog()).toBe(TOTAL);
});
