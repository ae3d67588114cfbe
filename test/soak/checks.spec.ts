import type { DossierEvent } from '@tracker/domain';
import {
  CODE,
  DUE_AT,
  becameOverdue,
  processed,
  received,
  synced,
} from '../../libs/testing/src/fixtures/dossier.fixtures';
import { answerChecks, dossiersOf, ledgerChecks, overdueCheck, StoredEvent } from './checks';
import type { Sent } from './driver';

// The soak's checks must be able to fail: each is shown a ledger or a store with one thing wrong.

const STREAM = `dossier-${CODE}`;
let ids = 0;
const stored = (e: DossierEvent, correlationId?: string, stream = STREAM): StoredEvent => ({
  id: String(++ids),
  stream,
  type: e.type,
  data: e.data as Record<string, any>,
  ...(correlationId ? { correlationId } : {}),
});

const sent = (over: Partial<Sent>): Sent => ({
  n: 1,
  kind: 'receive',
  label: 'receive',
  path: '/api/dossiers',
  rawBody: '{}',
  correlationId: 'soak-1-1',
  code: CODE,
  primaryType: 'DossierReceived',
  redisEpoch: 0,
  redisEpochAtAnswer: 0,
  statuses: [201],
  status: 201,
  body: { code: CODE },
  ...over,
});

const verdict = (rows: { check: string; ok: boolean }[]) =>
  Object.fromEntries(rows.map((r) => [r.check, r.ok]));

describe('ledgerChecks', () => {
  const receive = sent({});
  const step = sent({
    n: 2,
    kind: 'step',
    label: 'step:synced',
    correlationId: 'soak-1-2',
    primaryType: 'DossierSynced',
  });

  it('passes when each accepted command is there once', () => {
    const events = [stored(received(), 'soak-1-1'), stored(synced('2025-03-03T09:00:00+07:00'), 'soak-1-2')];
    expect(ledgerChecks([receive, step], events).every((r) => r.ok)).toBe(true);
  });

  it('catches a command recorded twice, or missing', () => {
    const twice = [stored(received(), 'soak-1-1'), stored(received(), 'soak-1-1')];
    expect(ledgerChecks([receive], twice)[0].ok).toBe(false);
    expect(ledgerChecks([receive, step], [stored(received(), 'soak-1-1')])[0].ok).toBe(false);
  });

  it('catches an event left by a refused command or under a correlation nobody sent', () => {
    const refused = { ...step, status: 409, statuses: [409] };
    const events = [stored(received(), 'soak-1-1'), stored(synced('2025-03-03T09:00:00+07:00'), 'soak-1-2')];
    expect(ledgerChecks([receive, refused], events)[1].ok).toBe(false);
    const stray = [stored(received(), 'soak-1-1'), stored(synced('2025-03-03T09:00:00+07:00'), 'soak-1-99')];
    expect(ledgerChecks([receive], stray)[1].ok).toBe(false);
  });

  it('catches a command that never got an answer', () => {
    const lost = { ...step, status: 0, statuses: [0, 503, 0], gaveUp: true };
    expect(ledgerChecks([receive, lost], [stored(received(), 'soak-1-1')])[2].ok).toBe(false);
  });
});

describe('answerChecks', () => {
  const bad = (over: Partial<Sent>) =>
    sent({
      kind: 'bad',
      label: 'bad:cross-unit-receive',
      expected: [403],
      status: 403,
      statuses: [403],
      body: { error: { code: 'FORBIDDEN' } },
      ...over,
    });

  it('passes documented answers and catches any other', () => {
    expect(answerChecks([bad({})])[0].ok).toBe(true);
    expect(answerChecks([bad({ status: 201, statuses: [201], body: { code: CODE } })])[0].ok).toBe(false);
  });

  it('wants the 400 to name every bad field', () => {
    const invalid = bad({
      label: 'bad:invalid-fields',
      expected: [400],
      expectFields: ['unitId', 'channel'],
      status: 400,
      statuses: [400],
      body: { error: { code: 'VALIDATION_FAILED', details: [{ field: 'unitId' }] } },
    });
    expect(answerChecks([invalid])[0].ok).toBe(false);
  });

  it('wants a replay to repeat the first answer while Redis kept it', () => {
    const original = sent({ body: { code: CODE, revision: 0 } });
    const replay = sent({ n: 2, kind: 'replay', original, body: { code: CODE, revision: 3 } });
    expect(answerChecks([original, replay])[1].ok).toBe(false);
    expect(answerChecks([original, { ...replay, redisEpochAtAnswer: 1 }])[1].ok).toBe(true);
  });

  it('allows 503 on the way but not 500, and no final 5xx', () => {
    const rows = (s: Sent) => verdict(answerChecks([s]));
    expect(Object.values(rows(sent({ statuses: [503, 0, 201] })))).toEqual([true, true, true]);
    expect(rows(sent({ statuses: [500, 201] }))['no final 5xx; outages answer 503, never 500']).toBe(false);
    expect(rows(sent({ statuses: [503], status: 503 }))['no final 5xx; outages answer 503, never 500']).toBe(
      false,
    );
  });
});

describe('overdueCheck', () => {
  const after = Date.parse(DUE_AT) + 60_000;

  it('wants one DossierBecameOverdue for a running dossier past its due', () => {
    const open = [stored(received())];
    expect(overdueCheck(open, dossiersOf(open), after).ok).toBe(false);
    const flagged = [...open, stored(becameOverdue())];
    expect(overdueCheck(flagged, dossiersOf(flagged), after).ok).toBe(true);
    const twice = [...flagged, stored(becameOverdue())];
    expect(overdueCheck(twice, dossiersOf(twice), after).ok).toBe(false);
  });

  it('leaves finished dossiers and dossiers not yet due alone', () => {
    const done = [stored(received()), stored(processed('2025-03-05T10:00:00+07:00'))];
    expect(overdueCheck(done, dossiersOf(done), after).ok).toBe(true);
    const open = [stored(received())];
    expect(overdueCheck(open, dossiersOf(open), Date.parse(DUE_AT) - 60_000).ok).toBe(true);
  });
});
