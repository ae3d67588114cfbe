import 'reflect-metadata';
import Database from 'better-sqlite3';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ApplicationModule, FeedbackModule } from '@tracker/application';
import { InfrastructureModule, loadEnvironment, unlinkMatching } from '@tracker/infrastructure';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DemoSeeder, type DemoSeedProgress, type DemoSeedReport, type DemoSeedStage } from './demo.seeder';

jest.setTimeout(300_000);

// The demo seeder against the embedded event store and Redis, with a fixed clock: the same seed and instant
// decide the same facts, each dossier's and feedback item's life lands in one append, and the progress
// reaches the total.

const NOW = new Date('2026-05-20T03:00:00Z');
const SCALE = 0.0005;
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

type Row = {
  stream: string;
  revision: number;
  pos: number;
  at: number;
  type: string;
  data: string;
  metadata: string;
};

/**
 * Seeds a fresh log; with `stopAfter`, a first seeding is stopped once that stage is written (its process
 * gone), and a second one, a day later, on the same log and Redis, takes it up.
 */
async function seedInto(stopAfter?: DemoSeedStage): Promise<{
  report: DemoSeedReport;
  progress: DemoSeedProgress[];
  rows: Row[];
  lines: string[];
  /** Dossier and feedback events in the log when the stopped seeding was taken up. */
  before: number;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'demo-seeder-'));
  const prefix = `test:demo-seeder:${randomUUID().slice(0, 8)}:`;
  const source: Record<string, string | undefined> = {
    ...process.env,
    EVENTSTORE_DATA_DIR: dir,
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: prefix,
  };
  delete source.EVENTSTORE_CONNECTION_STRING;
  const env = loadEnvironment(source, { demo: true });
  const context = async (now: Date) => {
    @Module({
      imports: [
        InfrastructureModule.forRoot({ env, clock: { now: () => now } }),
        ApplicationModule,
        FeedbackModule,
      ],
      providers: [DemoSeeder],
    })
    class SeedModule {}
    return NestFactory.createApplicationContext(SeedModule, { logger: false });
  };

  const lines: string[] = [];
  let before = 0;
  if (stopAfter) {
    const app = await context(NOW);
    try {
      const stopped = app.get(DemoSeeder).seed({
        scale: SCALE,
        log: (line) => lines.push(line),
        afterStage: (stage) =>
          stage === stopAfter ? Promise.reject(new Error('stopped')) : Promise.resolve(),
      });
      await expect(stopped).rejects.toThrow('stopped');
      expect(await app.get(DemoSeeder).isSeeded()).toBe(false);
    } finally {
      await app.close();
    }
    const db = new Database(join(dir, 'events.sqlite'), { readonly: true });
    before = (
      db
        .prepare(`SELECT count(*) AS n FROM events WHERE stream LIKE 'dossier-%' OR stream LIKE 'feedback-%'`)
        .get() as { n: number }
    ).n;
    db.close();
  }
  const app = await context(stopAfter ? new Date(NOW.getTime() + 86_400_000) : NOW);
  const progress: DemoSeedProgress[] = [];
  let report: DemoSeedReport;
  try {
    const seeder = app.get(DemoSeeder);
    // Taken up with the instant, scale and seed it began with, whatever this start says.
    report = await seeder.seed({
      scale: stopAfter ? SCALE * 2 : SCALE,
      log: (line) => lines.push(line),
      onProgress: (p) => progress.push(p),
    });
    expect(await seeder.isSeeded()).toBe(true);
  } finally {
    await app.close();
  }
  const db = new Database(join(dir, 'events.sqlite'), { readonly: true });
  // Every event of the log, in its order (`pos` grows by each record's size): `at` is the index in it.
  const rows = (
    db
      .prepare(
        `SELECT stream, revision, pos, type, CAST(data AS TEXT) AS data, CAST(metadata AS TEXT) AS metadata
         FROM events ORDER BY pos`,
      )
      .all() as Omit<Row, 'at'>[]
  )
    .map((r, at) => ({ ...r, at }))
    .filter((r) => r.stream.startsWith('dossier-') || r.stream.startsWith('feedback-'))
    .sort((a, b) => a.stream.localeCompare(b.stream) || a.revision - b.revision);
  db.close();
  const redis = new Redis(redisUrl);
  await unlinkMatching(redis, `${prefix}*`);
  await redis.quit();
  rmSync(dir, { recursive: true, force: true });
  return { report, progress, rows, lines, before };
}

it('decides the same facts from the same seed and instant, one append per stream, reporting its progress', async () => {
  const first = await seedInto();
  const second = await seedInto();
  const total = Math.round(113_695 * 4 * SCALE);

  expect(first.report).toMatchObject({ dossiers: total, refused: 0 });
  expect(first.report.feedback).toBeGreaterThan(0);
  expect(first.report.events).toBe(first.rows.length);
  const facts = (rows: Row[]) =>
    rows.map(({ stream, revision, type, data, metadata }) => ({ stream, revision, type, data, metadata }));
  expect(facts(second.rows)).toEqual(facts(first.rows));
  expect(new Set(first.rows.filter((r) => r.type === 'DossierReceived').map((r) => r.stream)).size).toBe(
    total,
  );

  // One append per stream: a stream's events sit next to each other in the log.
  const spans = new Map<string, { min: number; max: number; n: number }>();
  for (const r of first.rows) {
    const s = spans.get(r.stream) ?? { min: r.at, max: r.at, n: 0 };
    spans.set(r.stream, { min: Math.min(s.min, r.at), max: Math.max(s.max, r.at), n: s.n + 1 });
  }
  for (const [stream, s] of spans) expect([stream, s.max - s.min + 1]).toEqual([stream, s.n]);

  // Progress after each dossier, up to the total, stage after stage.
  expect(first.progress).toHaveLength(total);
  expect(first.progress.map((p) => p.dossiers)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  expect(first.progress.at(-1)).toMatchObject({ dossiers: total, total, stage: 'older', quarter: '2026-Q1' });
  const stages = ['recent', 'quarter', 'later', 'older'];
  const indices = first.progress.map((p) => stages.indexOf(p.stage));
  expect(indices.every((s, i) => s >= 0 && (i === 0 || s >= indices[i - 1]))).toBe(true);

  // The order of writing: the last two weeks' dossiers (but those over, after the quarter), then every dossier
  // whose life reaches into the last complete quarter (2026-Q1: from 2026-01-01 to 2026-04-01, UTC+7), before
  // the later and older ones.
  const recentFrom = NOW.getTime() - 14 * 86_400_000;
  const quarterFrom = Date.parse('2026-01-01T00:00:00+07:00');
  const quarterTo = Date.parse('2026-04-01T00:00:00+07:00');
  const byStream = new Map<string, Row[]>();
  for (const r of first.rows) byStream.set(r.stream, [...(byStream.get(r.stream) ?? []), r]);
  const dossiers = [...byStream.values()]
    .filter((events) => events[0].type === 'DossierReceived')
    .map((dossierEvents) => {
      // A dossier's feedback item is written with it, and its life counts with the dossier's.
      const item = byStream.get(dossierEvents[0].stream.replace(/^dossier-/, 'feedback-PAKN-')) ?? [];
      const events = [...dossierEvents, ...item];
      const receivedMs = Date.parse((JSON.parse(events[0].data) as { receivedAt: string }).receivedAt);
      const lastMs = Math.max(
        ...events.map((e) => Date.parse((JSON.parse(e.metadata) as { occurredAt: string }).occurredAt)),
      );
      const finished =
        events.some((e) => ['DossierProcessed', 'DossierStopped', 'DossierWithdrawn'].includes(e.type)) &&
        (item.length === 0 ||
          item.some((e) =>
            ['FeedbackAnswerPublished', 'FeedbackRejected', 'FeedbackReturned'].includes(e.type),
          ));
      return {
        at: events[0].at,
        receivedMs,
        finished,
        reachesQuarter: receivedMs < quarterTo && (!finished || lastMs >= quarterFrom),
      };
    });
  const recent = dossiers.filter((d) => d.receivedMs >= recentFrom && !d.finished);
  // The last two weeks' that are over: with the months after the quarter.
  const recentOver = dossiers.filter((d) => d.receivedMs >= recentFrom && d.finished);
  const quarter = dossiers.filter((d) => d.receivedMs < recentFrom && d.reachesQuarter);
  const rest = dossiers.filter((d) => d.receivedMs < recentFrom && !d.reachesQuarter);
  expect(recent.length).toBeGreaterThan(0);
  expect(quarter.length).toBeGreaterThan(0);
  expect(rest.length).toBeGreaterThan(0);
  const last = (ds: { at: number }[]) => Math.max(...ds.map((d) => d.at));
  const firstOf = (ds: { at: number }[]) => Math.min(...ds.map((d) => d.at));
  expect(last(recent)).toBeLessThan(firstOf(quarter));
  expect(last(quarter)).toBeLessThan(firstOf(rest));
  expect(recentOver.length).toBeGreaterThan(0);
  expect(last(quarter)).toBeLessThan(Math.max(...recentOver.map((d) => d.at)));
});

it('a seeding stopped half-way is taken up at the next start with the instant, scale and seed it began with: the same province, nothing twice', async () => {
  const whole = await seedInto();
  const resumed = await seedInto('quarter');
  const facts = (rows: Row[]) =>
    rows.map(({ stream, revision, type, data, metadata }) => ({ stream, revision, type, data, metadata }));
  expect(facts(resumed.rows)).toEqual(facts(whole.rows));
  expect(resumed.report).toMatchObject({ dossiers: whole.report.dossiers, refused: 0 });
  // The report counts what the resumed run wrote, not the whole province again.
  expect(resumed.before).toBeGreaterThan(0);
  expect(resumed.report.events).toBe(whole.rows.length - resumed.before);
  expect(
    resumed.lines.some((l) => l.startsWith('demo: taking up the seeding begun for 2026-05-20T03:00:00')),
  ).toBe(true);
  expect(resumed.lines.at(-1)).toMatch(/, [1-9]\d* streams already written, in /);
});
