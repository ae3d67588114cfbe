// The soak's clerks: a seeded mix of dossier commands at a steady rate through the HTTP API, each with an
// Idempotency-Key and an X-Correlation-Id that its retries reuse, some answers replayed on purpose, and bad
// requests of every documented kind. Every request and its answers go into the ledger the checks read.
import { prng } from '../../apps/api/src/demo/prng';
import { SOAK_PROCEDURES, SOAK_TOKENS, SOAK_UNITS, SoakProcedure, SoakUnit } from './province';

export type BadKind =
  | 'malformed-json'
  | 'oversized'
  | 'no-token'
  | 'unknown-token'
  | 'invalid-fields'
  | 'cross-unit-receive'
  | 'cross-unit-step'
  | 'clerk-apology'
  | 'step-after-finish'
  | 'unknown-dossier'
  | 'key-reused';

/** One request as the ledger keeps it: what was sent, every answer on the way, the final answer. */
export type Sent = {
  n: number;
  kind: 'receive' | 'step' | 'replay' | 'bad';
  label: string;
  path: string;
  token?: string;
  rawBody: string;
  key?: string;
  correlationId: string;
  code?: string;
  /** The event a successful receive or step appends (once). */
  primaryType?: string;
  /** For bad requests: the documented answers. */
  expected?: readonly number[];
  /** For invalid-fields: the fields the 400 must name. */
  expectFields?: readonly string[];
  /** For a replay: the answer it must repeat. */
  original?: Sent;
  /** Redis flushes before it was sent (a forgotten Idempotency-Key is then legitimate). */
  redisEpoch: number;
  /** Redis flushes before its final answer. */
  redisEpochAtAnswer?: number;
  statuses: number[];
  status?: number;
  body?: any;
  gaveUp?: boolean;
};

type Step = { type: string; occurredAt: string } & Record<string, unknown>;

type Life = {
  code: string;
  unit: SoakUnit;
  procedure: SoakProcedure;
  steps: Step[];
  next: number;
  busy: boolean;
  finished: boolean;
};

const STEP_EVENT: Record<string, string> = {
  'input-digitized': 'InputDigitized',
  synced: 'DossierSynced',
  'paid-online': 'PaidOnline',
  'paid-offline': 'PaidOffline',
  'supplement-requested': 'SupplementRequested',
  'supplement-received': 'SupplementReceived',
  processed: 'DossierProcessed',
  withdrawn: 'DossierWithdrawn',
  'result-issued-electronically': 'ResultIssuedElectronically',
  'result-returned': 'ResultReturned',
  'satisfaction-rated': 'SatisfactionRated',
};

const BAD_KINDS: readonly BadKind[] = [
  'malformed-json',
  'oversized',
  'no-token',
  'unknown-token',
  'invalid-fields',
  'cross-unit-receive',
  'cross-unit-step',
  'clerk-apology',
  'step-after-finish',
  'unknown-dossier',
  'key-reused',
];

const FEE = 50_000;
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const iso = (ms: number) => new Date(ms).toISOString();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type DriverOptions = Readonly<{
  baseUrl: string;
  seed: number;
  /** Requests started per second. */
  rate: number;
  /** How long one request may keep retrying through outages before the ledger marks it given up. */
  retryWindowMs?: number;
  /** Share of requests that are bad on purpose (default 0.06). */
  badShare?: number;
  /** The national portal is configured: the system records `synced`, clerks do not. */
  portal?: boolean;
}>;

export class SoakDriver {
  readonly ledger: Sent[] = [];
  readonly lives = new Map<string, Life>();
  /** Incremented by the soak each time it restarts Redis empty. */
  redisEpoch = 0;
  private readonly rnd: () => number;
  private n = 0;
  private inFlight = 0;
  skipped = 0;
  private readonly badCycle: BadKind[] = [];

  constructor(private readonly options: DriverOptions) {
    this.rnd = prng(options.seed);
  }

  /** The catalogue, as the admin (before the clock starts). */
  async setUp(): Promise<void> {
    for (const u of SOAK_UNITS) {
      await this.must('PUT', `/api/units/${u.id}`, SOAK_TOKENS.admin, { name: u.name, level: u.level });
    }
    for (const p of SOAK_PROCEDURES) {
      const { code, ...body } = p;
      await this.must('PUT', `/api/procedures/${code}`, SOAK_TOKENS.admin, {
        ...body,
        units: [...body.units],
        effectiveFrom: '2020-01-01T00:00:00+07:00',
      });
    }
  }

  /** Starts `rate` requests a second until `until` (ms), then waits for the ones still in flight. */
  async run(until: number, stopping: () => boolean = () => false): Promise<void> {
    const interval = 1000 / this.options.rate;
    let due = Date.now();
    const running = new Set<Promise<void>>();
    while (Date.now() < until && !stopping()) {
      due += interval;
      // Bounded: a stalled system must not pile up thousands of requests in the soak itself.
      if (this.inFlight >= 64) this.skipped++;
      else {
        const p = this.tick().finally(() => running.delete(p));
        running.add(p);
      }
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
    }
    await Promise.all(running);
  }

  private async tick(): Promise<void> {
    const r = this.rnd();
    const badShare = this.options.badShare ?? 0.06;
    if (r < badShare) return this.bad();
    if (r < badShare + 0.03) return this.replay();
    const ready = [...this.lives.values()].filter((l) => !l.busy && l.next < l.steps.length);
    if (ready.length > 0 && (this.rnd() < 0.65 || ready.length > 40)) {
      return this.step(ready[Math.floor(this.rnd() * ready.length)]);
    }
    return this.receive();
  }

  private async receive(): Promise<void> {
    const n = ++this.n;
    const unit = SOAK_UNITS[Math.floor(this.rnd() * SOAK_UNITS.length)];
    const procedures = SOAK_PROCEDURES.filter((p) => (p.units as readonly string[]).includes(unit.id));
    const procedure = procedures[Math.floor(this.rnd() * procedures.length)];
    // Received up to twelve days ago: many deadlines fall before or during the soak.
    const receivedMs = Date.now() - 10 * MINUTE - Math.floor(this.rnd() * 12 * DAY);
    const online = procedure.onlineLevel !== 'none' && this.rnd() < 0.73;
    const code = `SOAK${this.options.seed}-${String(n).padStart(6, '0')}`;
    const body = {
      code,
      unitId: unit.id,
      procedureCode: procedure.code,
      channel: online ? 'online' : 'in-person',
      ...(online ? { onlineLevel: procedure.onlineLevel } : {}),
      receivedAt: iso(Math.floor(receivedMs / 1000) * 1000),
      feeAmount: procedure.feeRequired ? FEE : 0,
    };
    const life: Life = { code, unit, procedure, steps: [], next: 0, busy: true, finished: false };
    this.lives.set(code, life);
    const sent = await this.send({
      kind: 'receive',
      label: 'receive',
      path: '/api/dossiers',
      token: SOAK_TOKENS.clerk[unit.id],
      body,
      code,
      primaryType: 'DossierReceived',
    });
    if (sent.status === 201) life.steps = this.plan(life, Date.parse(body.receivedAt));
    else life.finished = true;
    life.busy = false;
  }

  /** The dossier's life after receipt, every step at or before now, in order. */
  private plan(life: Life, receivedMs: number): Step[] {
    const rnd = this.rnd;
    const now = Date.now() - MINUTE;
    const span = now - receivedMs;
    const steps: Step[] = [];
    const at = (share: number, type: string, fields: Record<string, unknown> = {}) =>
      steps.push({ type, occurredAt: iso(receivedMs + Math.floor(span * share)), ...fields });
    if (rnd() < 0.6) at(0.02, 'input-digitized', { reused: rnd() < 0.4 });
    if (rnd() < 0.8 && !this.options.portal) at(0.03, 'synced');
    if (life.procedure.feeRequired) {
      if (rnd() < 0.6)
        at(0.04, 'paid-online', { amount: FEE, gateway: rnd() < 0.7 ? 'national' : 'provincial' });
      else at(0.04, 'paid-offline', { amount: FEE });
    }
    if (rnd() < 0.12) {
      at(0.1, 'supplement-requested', { reason: 'Thiếu bản sao giấy tờ tùy thân' });
      at(0.3, 'supplement-received');
    }
    const ending = rnd();
    const end = 0.4 + 0.55 * rnd();
    if (ending < 0.15) return steps; // still open at the end of the soak
    if (ending < 0.18) {
      at(end, 'withdrawn', { reason: 'Công dân rút hồ sơ' });
      return steps;
    }
    at(end, 'processed', { outcome: rnd() < 0.95 ? 'approved' : 'denied' });
    const electronic = life.procedure.requiresWrittenResult && rnd() < 0.6;
    if (electronic) at(end + 0.01, 'result-issued-electronically');
    else if (rnd() < 0.5) at(end + 0.01, 'result-returned');
    else return steps;
    if (rnd() < 0.2) at(end + 0.02, 'satisfaction-rated', { satisfied: rnd() < 0.9 });
    return steps;
  }

  private async step(life: Life): Promise<void> {
    life.busy = true;
    const step = life.steps[life.next];
    const sent = await this.send({
      kind: 'step',
      label: `step:${step.type}`,
      path: `/api/dossiers/${life.code}/events`,
      token: SOAK_TOKENS.clerk[life.unit.id],
      body: step,
      code: life.code,
      primaryType: STEP_EVENT[step.type],
    });
    if (sent.status === 201) {
      life.next++;
      if (['processed', 'withdrawn'].includes(step.type)) life.finished = true;
    } else {
      life.next = life.steps.length; // a refused step ends the plan: the next ones would be refused too
    }
    life.busy = false;
  }

  /** Sends a request that already got its answer again, with the same key and body. */
  private async replay(): Promise<void> {
    const done = this.ledger.filter(
      (s) => (s.kind === 'receive' || s.kind === 'step') && s.status !== undefined && s.status < 300,
    );
    if (done.length === 0) return this.receive();
    const original = done[Math.floor(this.rnd() * done.length)];
    await this.send({
      kind: 'replay',
      label: `replay:${original.label}`,
      path: original.path,
      token: original.token,
      raw: original.rawBody,
      key: original.key,
      correlationId: original.correlationId,
      code: original.code,
      original,
    });
  }

  private async bad(): Promise<void> {
    if (this.badCycle.length === 0) {
      // Every kind once per cycle, in a seeded order.
      const kinds = [...BAD_KINDS];
      for (let i = kinds.length - 1; i > 0; i--) {
        const j = Math.floor(this.rnd() * (i + 1));
        [kinds[i], kinds[j]] = [kinds[j], kinds[i]];
      }
      this.badCycle.push(...kinds);
    }
    const kind = this.badCycle.shift()!;
    const unit = SOAK_UNITS[Math.floor(this.rnd() * SOAK_UNITS.length)];
    const other = SOAK_UNITS.find((u) => u.id !== unit.id && u.level === unit.level)!;
    const clerk = SOAK_TOKENS.clerk[unit.id];
    const now = iso(Date.now() - 1000);
    const receiveBody = {
      code: `SOAKBAD${this.options.seed}-${this.n + 1}`,
      unitId: unit.id,
      procedureCode: SOAK_PROCEDURES.find((p) => (p.units as readonly string[]).includes(unit.id))!.code,
      channel: 'in-person',
      receivedAt: now,
    };
    const label = `bad:${kind}`;
    const lifeOf = (pred: (l: Life) => boolean) => [...this.lives.values()].find((l) => !l.busy && pred(l));
    switch (kind) {
      case 'malformed-json':
        return void (await this.send({
          kind: 'bad',
          label,
          path: '/api/dossiers',
          token: clerk,
          raw: '{"unitId": ',
          expected: [400],
        }));
      case 'oversized':
        return void (await this.send({
          kind: 'bad',
          label,
          path: '/api/dossiers',
          token: clerk,
          body: { ...receiveBody, padding: 'x'.repeat(300 * 1024) },
          expected: [413],
        }));
      case 'no-token':
        return void (await this.send({
          kind: 'bad',
          label,
          path: '/api/dossiers',
          body: receiveBody,
          expected: [401],
        }));
      case 'unknown-token':
        return void (await this.send({
          kind: 'bad',
          label,
          path: '/api/dossiers',
          token: 'not-a-token-of-this-province-000',
          body: receiveBody,
          expected: [401],
        }));
      case 'invalid-fields':
        return void (await this.send({
          kind: 'bad',
          label,
          path: '/api/dossiers',
          token: clerk,
          body: { unitId: 5, channel: 'pigeon', receivedAt: 'yesterday' },
          expected: [400],
          expectFields: ['unitId', 'procedureCode', 'channel', 'receivedAt'],
        }));
      case 'cross-unit-receive':
        return void (await this.send({
          kind: 'bad',
          label,
          path: '/api/dossiers',
          token: SOAK_TOKENS.clerk[other.id],
          body: receiveBody,
          expected: [403],
        }));
      case 'cross-unit-step': {
        const life = lifeOf((l) => l.steps.length > 0 && !l.finished);
        if (!life) return this.receive();
        const stranger = SOAK_UNITS.find((u) => u.id !== life.unit.id)!;
        return void (await this.send({
          kind: 'bad',
          label,
          path: `/api/dossiers/${life.code}/events`,
          token: SOAK_TOKENS.clerk[stranger.id],
          body: { type: 'synced', occurredAt: now },
          code: life.code,
          // Another unit's dossier answers as one that does not exist.
          expected: [404],
        }));
      }
      case 'clerk-apology': {
        const life = lifeOf((l) => l.steps.length > 0 && !l.finished);
        if (!life) return this.receive();
        return void (await this.send({
          kind: 'bad',
          label,
          path: `/api/dossiers/${life.code}/events`,
          token: SOAK_TOKENS.clerk[life.unit.id],
          body: {
            type: 'apology-issued',
            occurredAt: now,
            reason: 'Cần xác minh thêm',
            newDueAt: iso(Date.now() + 5 * DAY),
            signedBy: 'Văn thư',
          },
          code: life.code,
          expected: [403],
        }));
      }
      case 'step-after-finish': {
        const life = lifeOf((l) => l.finished && l.next > 0);
        if (!life) return this.receive();
        return void (await this.send({
          kind: 'bad',
          label,
          path: `/api/dossiers/${life.code}/events`,
          token: SOAK_TOKENS.clerk[life.unit.id],
          body: { type: 'supplement-requested', occurredAt: now, reason: 'Sau khi đã xong' },
          code: life.code,
          expected: [409, 422],
        }));
      }
      case 'unknown-dossier':
        return void (await this.send({
          kind: 'bad',
          label,
          path: `/api/dossiers/SOAK-NOWHERE-${this.n}/events`,
          token: clerk,
          body: { type: 'synced', occurredAt: now },
          expected: [404],
        }));
      case 'key-reused': {
        const used = this.ledger.filter(
          (s) => s.kind === 'receive' && s.status === 201 && s.redisEpoch === this.redisEpoch,
        );
        if (used.length === 0) return this.receive();
        const original = used[Math.floor(this.rnd() * used.length)];
        const body = { ...JSON.parse(original.rawBody), feeAmount: 1 };
        return void (await this.send({
          kind: 'bad',
          label,
          path: original.path,
          token: original.token,
          body,
          key: original.key,
          code: original.code,
          // 409 (already received) only if Redis forgot the key in the meantime.
          expected: [422],
        }));
      }
    }
  }

  private async send(request: {
    kind: Sent['kind'];
    label: string;
    path: string;
    token?: string;
    body?: unknown;
    raw?: string;
    key?: string;
    correlationId?: string;
    code?: string;
    primaryType?: string;
    expected?: readonly number[];
    expectFields?: readonly string[];
    original?: Sent;
  }): Promise<Sent> {
    const n = this.ledger.length + 1;
    const sent: Sent = {
      n,
      kind: request.kind,
      label: request.label,
      path: request.path,
      ...(request.token ? { token: request.token } : {}),
      rawBody: request.raw ?? JSON.stringify(request.body),
      key: request.key ?? `soak-${this.options.seed}-${n}`,
      correlationId: request.correlationId ?? `soak-${this.options.seed}-${n}`,
      ...(request.code ? { code: request.code } : {}),
      ...(request.primaryType ? { primaryType: request.primaryType } : {}),
      ...(request.expected ? { expected: request.expected } : {}),
      ...(request.expectFields ? { expectFields: request.expectFields } : {}),
      ...(request.original ? { original: request.original } : {}),
      redisEpoch: this.redisEpoch,
      statuses: [],
    };
    this.ledger.push(sent);
    this.inFlight++;
    try {
      await this.exchange(sent);
    } finally {
      this.inFlight--;
    }
    return sent;
  }

  /** Like a careful client: no answer, a 5xx or "still running" → the same request again, same key. */
  private async exchange(sent: Sent): Promise<void> {
    const deadline = Date.now() + (this.options.retryWindowMs ?? 120_000);
    for (let delay = 200; ; delay = Math.min(2_000, delay * 2)) {
      let status: number;
      let body: any;
      try {
        const res = await fetch(`${this.options.baseUrl}${sent.path}`, {
          method: 'POST', // every soak request is a write
          headers: {
            'content-type': 'application/json',
            ...(sent.token ? { authorization: `Bearer ${sent.token}` } : {}),
            ...(sent.key ? { 'idempotency-key': sent.key } : {}),
            'x-correlation-id': sent.correlationId,
          },
          body: sent.rawBody,
          signal: AbortSignal.timeout(20_000),
        });
        status = res.status;
        const text = await res.text();
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          body = text;
        }
      } catch {
        status = 0;
      }
      sent.statuses.push(status);
      const retryable =
        status === 0 ||
        status >= 500 ||
        (status === 409 && ['REQUEST_IN_PROGRESS', 'CONCURRENT_CHANGE'].includes(body?.error?.code));
      if (!retryable || Date.now() > deadline) {
        sent.status = status;
        sent.body = body;
        sent.redisEpochAtAnswer = this.redisEpoch;
        if (retryable) sent.gaveUp = true;
        return;
      }
      await sleep(delay);
    }
  }

  private async must(method: 'PUT' | 'POST', path: string, token: string, body: unknown): Promise<void> {
    const res = await fetch(`${this.options.baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  }
}
