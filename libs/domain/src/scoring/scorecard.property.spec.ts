// Late facts: the projection applies a dossier's events in recording order, which may differ from
// occurredAt order. Whatever that order, the facts and so the scorecard must be the same.
import fc from 'fast-check';
import type { DossierEvent } from '../dossier/dossier.events';
import { isOnTimeAt } from '../dossier/dossier.on-time';
import { evolveFacts, initialFacts, type DossierFacts } from './dossier-facts';
import { FactsTable } from './facts-table';
import { computeScorecard, isOnTimeFacts } from './scorecard';
import type { ScorecardProcedureInput } from './scorecard.types';
import { QD766_V1 } from './scoring-method';
import { DAY, e, HOUR, iso, received, UNITS, vn } from './scoring.fixtures';

const Q2_START = vn('2024-04-01T00:00');
const PROCEDURES: ScorecardProcedureInput[] = [
  { code: 'P1', units: ['U1', 'U2'], onlineLevel: 'full', feeRequired: true },
  { code: 'P2', units: ['U1'], onlineLevel: 'none', feeRequired: false },
];

/** One dossier's events as the decider could record them: a lifecycle in occurredAt order plus the
 * side facts (sync, digitization, payment, rating) at random instants after receipt. */
const dossierArb = (code: string) =>
  fc
    .record({
      unitId: fc.constantFrom('U1', 'U2', 'C1'),
      procedureCode: fc.constantFrom('P1', 'P2'),
      online: fc.boolean(),
      written: fc.boolean(),
      receivedAt: fc.integer({ min: Q2_START - 30 * DAY, max: Q2_START + 100 * DAY }),
      dueIn: fc.integer({ min: HOUR, max: 20 * DAY }),
      fee: fc.constantFrom(0, 0, 5000),
      // gaps between lifecycle steps, in hours
      rounds: fc.array(fc.tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 200 })), {
        maxLength: 3,
      }),
      lastRoundOpen: fc.boolean(),
      finish: fc.option(
        fc.tuple(
          fc.constantFrom('processed', 'stopped', 'withdrawn'),
          fc.integer({ min: 0, max: 400 }),
          fc.boolean(),
        ),
      ),
      side: fc.array(
        fc.tuple(
          fc.constantFrom(
            'sync',
            'digitize',
            'reuse',
            'store',
            'eresult',
            'request-pay',
            'pay',
            'rate+',
            'rate-',
          ),
          fc.integer({ min: 0, max: 3000 }),
        ),
        { maxLength: 8 },
      ),
    })
    .map((d): DossierEvent[] => {
      const r = d.receivedAt;
      const events: DossierEvent[] = [
        received({
          code,
          unitId: d.unitId,
          procedureCode: d.procedureCode,
          channel: d.online ? 'online' : 'in-person',
          receivedAt: r,
          dueAt: r + d.dueIn,
          feeAmount: d.fee,
          requiresWrittenResult: d.written,
        }),
      ];
      let t = r;
      let open = false;
      d.rounds.forEach(([a, b], i) => {
        t += a * HOUR;
        events.push(e.supplementRequested(t));
        if (i === d.rounds.length - 1 && d.lastRoundOpen) open = true;
        else {
          t += b * HOUR;
          events.push(e.supplementReceived(t));
        }
      });
      if (d.finish && !open) {
        const [kind, h, returned] = d.finish;
        t += h * HOUR;
        events.push(
          kind === 'processed' ? e.processed(t) : kind === 'stopped' ? e.stopped(t) : e.withdrawn(t),
        );
        if (returned) events.push(e.returned(t + HOUR));
      }
      for (const [kind, h] of d.side) {
        const at = r + h * HOUR;
        events.push(
          kind === 'sync'
            ? e.synced(at)
            : kind === 'digitize'
              ? e.digitized(at)
              : kind === 'reuse'
                ? e.digitized(at, true)
                : kind === 'store'
                  ? e.digitized(at, false, true)
                  : kind === 'eresult'
                    ? e.eResult(at)
                    : kind === 'request-pay'
                      ? e.paymentRequested(at, 1000)
                      : kind === 'pay'
                        ? e.paidOnline(at)
                        : e.rated(at, kind === 'rate+'),
        );
      }
      return events;
    });

const byOccurredAt = (events: readonly DossierEvent[]) =>
  [...events].sort((a, b) => Date.parse(a.data.occurredAt) - Date.parse(b.data.occurredAt));
const fold = (code: string, events: readonly DossierEvent[]): DossierFacts =>
  events.reduce(evolveFacts, initialFacts(code));
const score = (facts: DossierFacts[] | FactsTable, period: string, asOf: number) =>
  computeScorecard({
    method: QD766_V1,
    period,
    asOf,
    units: UNITS,
    procedures: PROCEDURES,
    facts,
    explain: true,
  });

describe('scorecard over facts folded in any recording order', () => {
  it('is the same as over the events in occurredAt order, for any period and asOf', () => {
    const dossiersArb = fc.tuple(...['A', 'B', 'C', 'D'].map((code) => dossierArb(code)));
    const asOfArb = fc.integer({ min: Q2_START + 31 * DAY, max: Q2_START + 250 * DAY }); // after 2024-05 begins
    fc.assert(
      fc.property(
        dossiersArb.chain((ds) =>
          fc.tuple(
            fc.constant(ds),
            fc.tuple(...ds.map((d) => fc.shuffledSubarray(d, { minLength: d.length }))),
            asOfArb,
            fc.constantFrom('2024-Q2', '2024-05', '2024'),
          ),
        ),
        ([ordered, shuffled, asOf, period]) => {
          const codes = ['A', 'B', 'C', 'D'];
          const expected = score(
            ordered.map((d, i) => fold(codes[i], byOccurredAt(d))),
            period,
            asOf,
          );
          const actual = score(
            shuffled.map((d, i) => fold(codes[i], d)),
            period,
            asOf,
          );
          expect(actual).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a FactsTable fed every intermediate state (its period index moving rows) scores as the final facts', () => {
    const codes = ['A', 'B', 'C', 'D', 'E', 'F'];
    const asOfArb = fc.integer({ min: Q2_START + 92 * DAY, max: Q2_START + 250 * DAY }); // in 2024-Q3 or later
    fc.assert(
      fc.property(
        fc.tuple(...codes.map((code) => dossierArb(code))),
        fc.array(fc.nat(), { minLength: 20, maxLength: 60 }),
        asOfArb,
        fc.constantFrom('2024-Q1', '2024-Q2', '2024-05', '2024-06', '2024-Q3', '2024'),
        (dossiers, picks, asOf, period) => {
          // Each dossier's events arrive one by one, the dossiers interleaved; the table upserts each state.
          const table = new FactsTable(16);
          const seen = dossiers.map(() => 0);
          for (const pick of picks) {
            const d = pick % dossiers.length;
            if (seen[d] < dossiers[d].length) seen[d]++;
            table.upsert(fold(codes[d], dossiers[d].slice(0, seen[d])));
          }
          dossiers.forEach((events, d) => table.upsert(fold(codes[d], events)));
          const final = dossiers.map((events, d) => fold(codes[d], events));
          expect(score(table, period, asOf)).toEqual(score(final, period, asOf));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("isOnTimeFacts agrees with the dossier decider's isOnTimeAt", () => {
    fc.assert(
      fc.property(
        dossierArb('A'),
        fc.integer({ min: Q2_START - 30 * DAY, max: Q2_START + 300 * DAY }),
        (events, end) => {
          const f = fold('A', events);
          const supplements = f.supplementRequestedAt.map((q, i) => ({
            requestedAt: iso(q),
            receivedAt: i < f.supplementReceivedAt.length ? iso(f.supplementReceivedAt[i]) : null,
          }));
          const facts = {
            dueAt: iso(f.dueAt!),
            finishedAt: f.finishedAt === null ? null : iso(f.finishedAt),
            supplements,
          };
          expect(isOnTimeFacts(f, end)).toBe(isOnTimeAt(facts, iso(end)));
        },
      ),
      { numRuns: 500 },
    );
  });
});
