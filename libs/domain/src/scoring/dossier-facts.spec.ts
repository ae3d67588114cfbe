import fc from 'fast-check';
import { canHandleFacts, DOSSIER_FACTS_EVENT_TYPES, evolveFacts, initialFacts } from './dossier-facts';
import { DAY, e, foldFacts, HOUR, received, vn } from './scoring.fixtures';

const T0 = vn('2024-04-10T08:00');

describe('dossier facts', () => {
  it('folds a dossier into epoch-ms facts', () => {
    const f = foldFacts([
      received({
        code: 'D1',
        unitId: 'U1',
        procedureCode: 'P9',
        channel: 'online',
        receivedAt: T0,
        dueAt: T0 + 3 * DAY,
      }),
      e.synced(T0 + HOUR),
      e.supplementRequested(T0 + 2 * HOUR),
      e.supplementReceived(T0 + 5 * HOUR),
      e.digitized(T0 + 6 * HOUR, true, false),
      e.digitized(T0 + 7 * HOUR, false, true),
      e.processed(T0 + DAY),
      e.returned(T0 + 2 * DAY),
      e.eResult(T0 + DAY),
      e.rated(T0 + 3 * DAY, false),
    ]);
    expect(f).toEqual({
      code: 'D1',
      unitId: 'U1',
      procedureCode: 'P9',
      requiresWrittenResult: true,
      online: true,
      onlineLevel: 'full',
      receivedAt: T0,
      dueAt: T0 + 3 * DAY,
      finishedAt: T0 + DAY,
      supplementRequestedAt: [T0 + 2 * HOUR],
      supplementReceivedAt: [T0 + 5 * HOUR],
      syncedAt: T0 + HOUR,
      digitizedAt: T0 + 6 * HOUR,
      reusedAt: T0 + 6 * HOUR,
      personalStoreAt: T0 + 7 * HOUR,
      eResultAt: T0 + DAY,
      paidOnlineAt: null,
      feeAt: null,
      ratings: [{ at: T0 + 3 * DAY, satisfied: false }],
    });
    expect(JSON.parse(JSON.stringify(f))).toEqual(f);
  });

  it('gets a fee at receipt when feeAmount > 0, else at the first PaymentRequested above 0', () => {
    expect(
      foldFacts([
        received({ code: 'A', receivedAt: T0, feeAmount: 50_000 }),
        e.paymentRequested(T0 + HOUR, 1),
      ]).feeAt,
    ).toBe(T0);
    const late = foldFacts([
      received({ code: 'B', receivedAt: T0 }),
      e.paymentRequested(T0 + 3 * HOUR, 0),
      e.paymentRequested(T0 + 5 * HOUR, 20_000),
      e.paymentRequested(T0 + 4 * HOUR, 10_000),
    ]);
    expect(late.feeAt).toBe(T0 + 4 * HOUR);
    expect(foldFacts([received({ code: 'C', receivedAt: T0 }), e.paymentRequested(T0, 0)]).feeAt).toBeNull();
  });

  it('takes the first finishing step by occurredAt, whatever the recording order', () => {
    const f = foldFacts([
      received({ code: 'A', receivedAt: T0 }),
      e.returned(T0 + 2 * DAY),
      e.processed(T0 + DAY),
    ]);
    expect(f.finishedAt).toBe(T0 + DAY);
    expect(foldFacts([received({ code: 'W', receivedAt: T0 }), e.withdrawn(T0 + HOUR)]).finishedAt).toBe(
      T0 + HOUR,
    );
    expect(foldFacts([received({ code: 'S', receivedAt: T0 }), e.stopped(T0 + HOUR)]).finishedAt).toBe(
      T0 + HOUR,
    );
  });

  it('keeps the receiving unit and the original due date: transfers, apologies, corrections, alerts change nothing', () => {
    const base = [received({ code: 'A', unitId: 'U1', receivedAt: T0, dueAt: T0 + DAY })];
    const f = foldFacts([
      ...base,
      e.transferred(T0 + HOUR, 'U2'),
      e.apology(T0 + 2 * HOUR, T0 + 9 * DAY),
      e.correction(T0 + 3 * HOUR),
      e.overdue(T0 + DAY),
      e.paidOffline(T0 + 4 * HOUR),
    ]);
    expect(f).toEqual(foldFacts(base));
    for (const t of [
      'DossierTransferred',
      'ApologyIssued',
      'CorrectionRecorded',
      'DossierBecameOverdue',
      'PaidOffline',
    ])
      expect(canHandleFacts(t)).toBe(false);
    expect(canHandleFacts('DossierReceived')).toBe(true);
    expect(DOSSIER_FACTS_EVENT_TYPES).toHaveLength(13);
  });

  it('keeps supplement rounds and ratings in occurredAt order when recorded late', () => {
    const f = foldFacts([
      received({ code: 'A', receivedAt: T0 }),
      e.supplementRequested(T0 + 5 * HOUR),
      e.supplementRequested(T0 + HOUR),
      e.supplementReceived(T0 + 7 * HOUR),
      e.supplementReceived(T0 + 2 * HOUR),
      e.rated(T0 + 9 * HOUR, true),
      e.rated(T0 + 8 * HOUR, false),
    ]);
    expect(f.supplementRequestedAt).toEqual([T0 + HOUR, T0 + 5 * HOUR]);
    expect(f.supplementReceivedAt).toEqual([T0 + 2 * HOUR, T0 + 7 * HOUR]);
    expect(f.ratings.map((r) => r.satisfied)).toEqual([false, true]);
  });

  it('breaks a tie between ratings at the same instant against the unit, in any recording order', () => {
    const a = foldFacts([
      received({ code: 'A', receivedAt: T0 }),
      e.rated(T0 + HOUR, false),
      e.rated(T0 + HOUR, true),
    ]);
    const b = foldFacts([
      received({ code: 'A', receivedAt: T0 }),
      e.rated(T0 + HOUR, true),
      e.rated(T0 + HOUR, false),
    ]);
    expect(a).toEqual(b);
    expect(a.ratings[a.ratings.length - 1].satisfied).toBe(false);
  });

  it('gives the same facts for any order of applying the events (late facts)', () => {
    const events = [
      received({ code: 'A', receivedAt: T0, channel: 'online', feeAmount: 0 }),
      e.synced(T0 + 2 * HOUR),
      e.synced(T0 + HOUR),
      e.supplementRequested(T0 + 3 * HOUR),
      e.supplementReceived(T0 + 4 * HOUR),
      e.supplementRequested(T0 + 5 * HOUR),
      e.supplementReceived(T0 + 6 * HOUR),
      e.digitized(T0 + 7 * HOUR, true, true),
      e.digitized(T0 + 6 * HOUR, false, false),
      e.paymentRequested(T0 + 8 * HOUR, 5000),
      e.paidOnline(T0 + 9 * HOUR),
      e.processed(T0 + 10 * HOUR),
      e.eResult(T0 + 11 * HOUR),
      e.returned(T0 + 12 * HOUR),
      e.rated(T0 + 13 * HOUR, true),
      e.rated(T0 + 14 * HOUR, false),
      e.rated(T0 + 14 * HOUR, true),
    ];
    const expected = foldFacts(events);
    fc.assert(
      fc.property(fc.shuffledSubarray(events, { minLength: events.length }), (shuffled) => {
        expect(shuffled.reduce(evolveFacts, initialFacts('A'))).toEqual(expected);
      }),
    );
  });

  it('does not mutate the facts it is given', () => {
    const f0 = foldFacts([received({ code: 'A', receivedAt: T0 })]);
    const copy = JSON.parse(JSON.stringify(f0));
    evolveFacts(f0, e.supplementRequested(T0 + HOUR));
    evolveFacts(f0, e.rated(T0 + HOUR, true));
    expect(f0).toEqual(copy);
  });
});
