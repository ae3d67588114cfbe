import {
  ALERT_FEED,
  ALL_PROJECTIONS,
  portalSyncProjection,
  projectionId,
  type AlertFeed,
} from '@tracker/application';
import { waitFor } from '@tracker/testing';
import { Redis } from 'ioredis';
import { ApiHarness, TOKENS, startApi } from '../support/api-harness';

jest.setTimeout(60_000);

// What anyone can reach without a valid token stays cheap and says little; heavy callers are capped.
let api: ApiHarness;
let base: string;

const P1 = {
  name: 'Cấp giấy phép',
  units: ['SCT'],
  timeLimit: { value: 10, unit: 'working-days' },
  onlineLevel: 'full',
  feeRequired: true,
  requiresWrittenResult: true,
};

beforeAll(async () => {
  api = await startApi();
  await api.app.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${(api.app.getHttpServer().address() as { port: number }).port}`;
  const admin = api.as(TOKENS.admin);
  await admin
    .put('/api/units/SCT')
    .send({ name: '=HYPERLINK("http://x","y")', level: 'department' })
    .expect(200);
  await admin.put('/api/procedures/P1').send(P1).expect(200);
});

afterAll(async () => {
  await api?.close();
});

describe('GET /api/health', () => {
  it('tells a stranger up/down and one lag figure, nothing more', async () => {
    // The first answer does not wait for the lag to be counted (null until then).
    const first = await api.http.get('/api/health').expect(200);
    expect(first.body).toMatchObject({ status: 'ready', lag: null });
    const res = await waitFor(async () => {
      const r = await api.http.get('/api/health').expect(200);
      return typeof r.body.lag === 'number' && r;
    });
    expect(res.body).toEqual({
      status: 'ready',
      eventStore: { status: 'up' },
      redis: { status: 'up' },
      lag: expect.any(Number),
    });
    const wrongToken = await api.as('not-a-token-at-all-000000').get('/api/health').expect(200);
    expect(Object.keys(wrongToken.body).sort()).toEqual(['eventStore', 'lag', 'redis', 'status']);
  });

  it('gives a token holder the projections, positions and latencies', async () => {
    const res = await api.as(TOKENS.reform).get('/api/health').expect(200);
    // Every projection of the registry a worker runs here (the portal's outbox only with NATIONAL_PORTAL_*).
    expect(res.body.projections.map((p: { name: string }) => p.name)).toEqual(
      ALL_PROJECTIONS.filter((p) => p !== portalSyncProjection).map(projectionId),
    );
    expect(res.body.eventStore).toHaveProperty('latencyMs');
  });

  it('costs the store and Redis the same whether one stranger asks or fifty at once', async () => {
    const redis = new Redis(api.env.REDIS_URL);
    const pings = async () =>
      Number(/cmdstat_ping:calls=(\d+)/.exec(await redis.info('commandstats'))?.[1] ?? 0);
    const before = await pings();
    await Promise.all(Array.from({ length: 50 }, () => api.http.get('/api/health').expect(200)));
    const after = await pings();
    await redis.quit();
    // Other suites may ping the shared Redis meanwhile, but not fifty times.
    expect(after - before).toBeLessThan(10);
  });
});

describe('a Redis that does not answer', () => {
  it('is reported down without its own error text', async () => {
    const away = await startApi({ redisUrl: 'redis://127.0.0.1:1' });
    try {
      const res = await away.http.get('/api/health').expect(503);
      expect(res.body).toMatchObject({ status: 'unavailable', redis: { status: 'down' } });
      const details = await away.as(TOKENS.admin).get('/api/health').expect(503);
      // The address's port (`…:1`), not a JSON field whose value is 1 (`"latencyMs":1`, as a fast probe reads).
      expect(JSON.stringify(details.body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|(?<!"):1\b/);
      expect(details.body.redis.error).toBe('not answering');
    } finally {
      await away.close();
    }
  });
});

describe('GET /api/alerts/stream', () => {
  async function open(token: string): Promise<{ status: number; next(): Promise<string>; close(): void }> {
    const controller = new AbortController();
    const res = await fetch(`${base}/api/alerts/stream`, {
      headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' },
      signal: controller.signal,
    });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    return {
      status: res.status,
      async next() {
        for (;;) {
          const end = buffer.indexOf('\n\n');
          if (end >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            return block;
          }
          const { value, done } = await reader.read();
          if (done) throw new Error('stream ended');
          buffer += value;
        }
      },
      close: () => controller.abort(),
    };
  }

  it('serves every client of the process from one Redis reader, caps streams per token, and sends the changed alert', async () => {
    const streams = [];
    for (let i = 0; i < 5; i++) {
      const s = await open(TOKENS.supervisorA);
      expect(s.status).toBe(200);
      expect(await s.next()).toMatch(/: alerts after/);
      streams.push(s);
    }
    const sixth = await fetch(`${base}/api/alerts/stream`, {
      headers: { Authorization: `Bearer ${TOKENS.supervisorA}` },
    });
    expect(sixth.status).toBe(429);
    expect(((await sixth.json()) as { error: { code: string } }).error.code).toBe('TOO_MANY_STREAMS');
    // Another token has streams of its own.
    const other = await open(TOKENS.reform);
    expect(other.status).toBe(200);
    await other.next();

    const redis = new Redis(api.env.REDIS_URL);
    const readers = ((await redis.client('LIST')) as string)
      .split('\n')
      .filter((line) => line.includes(`name=${api.env.REDIS_KEY_PREFIX}alerts:changes:reader`));
    await redis.quit();
    expect(readers).toHaveLength(1);

    const feed = api.app.get<AlertFeed>(ALERT_FEED);
    const alert = {
      id: 'overdue-SCT-1-1',
      code: 'SCT-1',
      kind: 'overdue' as const,
      dueAt: '2025-03-03T09:00:00.000Z',
      raisedAt: '2025-03-03T09:00:00.000Z',
      unitId: 'SCT',
      currentUnitId: 'SCT',
      procedureCode: 'P1',
    };
    await feed.append([{ id: `${Date.now()}-1`, change: 'opened', alert }]);
    for (const s of [streams[0], other]) {
      let block = await s.next();
      while (block.startsWith(':')) block = await s.next();
      expect(block).toMatch(/^id: \d+-1\nevent: alert\ndata: /);
      const data = JSON.parse(/^data: (.*)$/m.exec(block)![1]);
      expect(data).toMatchObject({ change: 'opened', alert: { ...alert, procedureName: 'Cấp giấy phép' } });
      expect(data.alert.workingMsLeft).toBeLessThan(0);
    }

    streams[4].close();
    // The slot is given back once the server sees the connection close.
    let again: Response | undefined;
    for (let i = 0; i < 50; i++) {
      again = await fetch(`${base}/api/alerts/stream`, {
        headers: { Authorization: `Bearer ${TOKENS.supervisorA}` },
      });
      if (again.status === 200) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(again!.status).toBe(200);
    await again!.body?.cancel();
    for (const s of [...streams, other]) s.close();
  });
});

describe('pages and exports', () => {
  it("the pages' security headers come from helmet", async () => {
    const res = await api.http.get('/board.html').expect(200);
    expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });

  it('a CSV cell that would start a formula is neutralised', async () => {
    const csv = await api
      .as(TOKENS.reform)
      .get('/api/scorecards/export?period=2025-Q1&level=department&format=csv')
      .expect(200);
    expect(csv.text).toContain(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csv.text).not.toMatch(/(^|,)"?=HYPERLINK/m);
  });

  it("a correction's value is bounded in size and depth", async () => {
    const received = await api
      .as(TOKENS.clerkA)
      .post('/api/dossiers')
      .send({
        unitId: 'SCT',
        procedureCode: 'P1',
        channel: 'online',
        onlineLevel: 'full',
        receivedAt: '2025-03-03T09:00:00+07:00',
        feeAmount: 0,
      })
      .expect(201);
    const correction = (value: unknown) =>
      api.as(TOKENS.clerkA).post(`/api/dossiers/${received.body.code}/events`).send({
        type: 'correction-recorded',
        occurredAt: '2025-03-03T10:00:00+07:00',
        field: 'feeAmount',
        reason: 'nhập sai',
        approvedBy: 'Trưởng phòng',
        value,
      });
    const deep = await correction({ a: { b: { c: { d: { e: 1 } } } } }).expect(400);
    expect(deep.body.error.details.map((d: { field: string }) => d.field)).toEqual(['value']);
    const big = await correction('x'.repeat(5000)).expect(400);
    expect(big.body.error.details.map((d: { field: string }) => d.field)).toEqual(['value']);
    await correction({ amount: 10 }).expect(201);
  });
});

describe('strangers are rate-limited, token holders are not', () => {
  it('counts requests without a valid token (health, pages, failed authentications) per client', async () => {
    const tight = await startApi({ env: { THROTTLE_LIMIT: '4', THROTTLE_WINDOW_S: '60' } });
    try {
      await tight.http.get('/api/health').expect(200);
      await tight.http.get('/board.html').expect(200);
      await tight.as('wrong-token-000000000000000').get('/api/dossiers').expect(401);
      await tight.http.get('/api/dossiers').expect(401);
      const limited = await tight.as('wrong-token-000000000000000').get('/api/dossiers').expect(429);
      expect(limited.body.error.code).toBe('TOO_MANY_REQUESTS');
      expect(limited.headers['retry-after']).toBeDefined();
      await tight.http.get('/api/health').expect(429);
      for (let i = 0; i < 10; i++) await tight.as(TOKENS.reform).get('/api/health').expect(200);
    } finally {
      await tight.close();
    }
  });
});
