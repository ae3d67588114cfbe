// Builders for the scoring specs and the bench (not exported from the library): dossier events with
// local (+07:00) instants, and facts straight from a compact description.
import type { DossierEvent, DossierReceived } from '../dossier/dossier.events';
import { instantFromMs } from '../calendar/instant';
import { evolveFacts, initialFacts, type DossierFacts, type RatingFact } from './dossier-facts';
import type { ScorecardUnitInput } from './scorecard.types';
import type { FeedbackFacts, FeedbackUnitFacts } from '../feedback/feedback-facts';
import type { PublicationItemFacts } from '../publication/publication-facts';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** `YYYY-MM-DDTHH:mm` local time in Asia/Ho_Chi_Minh → epoch ms. */
export const vn = (local: string): number => Date.parse(`${local}:00+07:00`);
export const iso = (ms: number): string => instantFromMs(ms);

export type ReceiptSpec = {
  code: string;
  unitId?: string;
  procedureCode?: string;
  channel?: 'in-person' | 'postal' | 'online';
  receivedAt: number;
  dueAt?: number;
  feeAmount?: number;
  requiresWrittenResult?: boolean;
};

export function received(s: ReceiptSpec): DossierReceived {
  return {
    type: 'DossierReceived',
    data: {
      code: s.code,
      unitId: s.unitId ?? 'U1',
      procedureCode: s.procedureCode ?? 'P1',
      procedure: {
        name: 'Thủ tục',
        timeLimit: { value: 5, unit: 'working-days' },
        onlineLevel: 'full',
        feeRequired: (s.feeAmount ?? 0) > 0,
        requiresWrittenResult: s.requiresWrittenResult ?? true,
      },
      channel: s.channel ?? 'in-person',
      ...(s.channel === 'online' ? { onlineLevel: 'full' as const } : {}),
      receivedAt: iso(s.receivedAt),
      dueAt: iso(s.dueAt ?? s.receivedAt + 5 * DAY),
      feeAmount: s.feeAmount ?? 0,
      calendarVersion: '2024:1',
      occurredAt: iso(s.receivedAt),
    },
  };
}

const ev = <T extends DossierEvent['type']>(type: T, at: number, data: object = {}): DossierEvent =>
  ({ type, data: { occurredAt: iso(at), ...data } }) as DossierEvent;

export const e = {
  supplementRequested: (at: number) => ev('SupplementRequested', at, { reason: 'thiếu giấy tờ' }),
  supplementReceived: (at: number) => ev('SupplementReceived', at),
  processed: (at: number) => ev('DossierProcessed', at, { outcome: 'approved' }),
  returned: (at: number) => ev('ResultReturned', at),
  stopped: (at: number) => ev('DossierStopped', at, { reason: 'x' }),
  withdrawn: (at: number) => ev('DossierWithdrawn', at),
  transferred: (at: number, toUnitId: string) => ev('DossierTransferred', at, { fromUnitId: 'U1', toUnitId }),
  apology: (at: number, newDueAt: number) =>
    ev('ApologyIssued', at, { reason: 'quá tải', newDueAt: iso(newDueAt), signedBy: 'lead' }),
  digitized: (at: number, reused = false, fromPersonalStore = false) =>
    ev('InputDigitized', at, { reused, fromPersonalStore }),
  eResult: (at: number) => ev('ResultIssuedElectronically', at),
  paymentRequested: (at: number, amount: number) => ev('PaymentRequested', at, { amount }),
  paidOnline: (at: number, amount = 10_000) => ev('PaidOnline', at, { amount, gateway: 'national' }),
  paidOffline: (at: number, amount = 10_000) => ev('PaidOffline', at, { amount }),
  rated: (at: number, satisfied: boolean) => ev('SatisfactionRated', at, { satisfied }),
  synced: (at: number) => ev('DossierSynced', at),
  overdue: (at: number) => ev('DossierBecameOverdue', at, { dueAt: iso(at) }),
  correction: (at: number) =>
    ev('CorrectionRecorded', at, { field: 'receivedAt', value: 'x', reason: 'typo', approvedBy: 'lead' }),
};

export const foldFacts = (events: readonly DossierEvent[]): DossierFacts =>
  events.reduce(evolveFacts, initialFacts((events[0]?.data as { code?: string }).code ?? 'X'));

export const UNITS: ScorecardUnitInput[] = [
  { unitId: 'U1', name: 'Sở Tư pháp', level: 'department' },
  { unitId: 'U2', name: 'Sở Xây dựng', level: 'department' },
  { unitId: 'C1', name: 'Phường Hải Châu', level: 'commune' },
];

/** A small deterministic generator (mulberry32), so the scale spec and the bench see the same data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export type Generated = {
  units: ScorecardUnitInput[];
  procedures: {
    code: string;
    units: string[];
    onlineLevel: 'none' | 'partial' | 'full';
    feeRequired: boolean;
  }[];
  facts: DossierFacts[];
};

/** `n` facts received between `from` and `to` (epoch ms), over `nUnits` units and `nProcedures` procedures,
 * built directly (not through events) with realistic proportions of every kind of fact. */
export function generateFacts(
  n: number,
  from: number,
  to: number,
  seed = 1,
  nUnits = 300,
  nProcedures = 2000,
): Generated {
  const rnd = rng(seed);
  const pick = (k: number) => Math.floor(rnd() * k);
  const units: ScorecardUnitInput[] = Array.from({ length: nUnits }, (_, i) => ({
    unitId: `UNIT-${String(i).padStart(4, '0')}`,
    name: `Đơn vị ${i}`,
    level: i % 3 === 0 ? 'department' : 'commune',
  }));
  const procedures = Array.from({ length: nProcedures }, (_, i) => ({
    code: `TTHC-${i}`,
    units: [units[i % nUnits].unitId, units[(i * 7 + 3) % nUnits].unitId],
    onlineLevel: (['none', 'partial', 'full'] as const)[pick(3)],
    feeRequired: rnd() < 0.4,
  }));
  const facts: DossierFacts[] = new Array(n);
  const span = to - from;
  for (let i = 0; i < n; i++) {
    const receivedAt = from + Math.floor(rnd() * span);
    const dueAt = receivedAt + (1 + pick(20)) * DAY;
    const p = procedures[pick(nProcedures)];
    const unitId = p.units[pick(2)];
    const supp = rnd();
    const requested: number[] = [];
    const receivedS: number[] = [];
    let t = receivedAt + pick(3 * DAY);
    if (supp < 0.15) {
      const rounds = supp < 0.02 ? 2 : 1;
      for (let k = 0; k < rounds; k++) {
        requested.push(t);
        t += pick(6 * DAY);
        if (rnd() < 0.9) receivedS.push(t);
        else break;
        t += pick(2 * DAY);
      }
    }
    const open = requested.length > receivedS.length;
    const finishedAt = open || rnd() < 0.05 ? null : t + pick(15 * DAY);
    const fee = rnd() < 0.3 ? receivedAt + (rnd() < 0.7 ? 0 : pick(5 * DAY)) : null;
    const at = (prob: number, base: number, spread: number) => (rnd() < prob ? base + pick(spread) : null);
    const ratings: RatingFact[] =
      finishedAt !== null && rnd() < 0.2 ? [{ at: finishedAt + pick(10 * DAY), satisfied: rnd() < 0.8 }] : [];
    const online = rnd() < 0.7;
    const digitizedAt = at(0.8, receivedAt, DAY);
    facts[i] = {
      code: `D-${i}`,
      unitId,
      procedureCode: p.code,
      requiresWrittenResult: rnd() < 0.6,
      online,
      onlineLevel: online ? 'full' : null,
      receivedAt,
      dueAt,
      finishedAt,
      supplementRequestedAt: requested,
      supplementReceivedAt: receivedS,
      syncedAt: at(0.9, receivedAt, 3 * DAY),
      digitizedAt,
      reusedAt: digitizedAt !== null && rnd() < 0.4 ? digitizedAt : null,
      personalStoreAt: digitizedAt !== null && rnd() < 0.2 ? digitizedAt : null,
      eResultAt: finishedAt !== null && rnd() < 0.6 ? finishedAt + pick(DAY) : null,
      paidOnlineAt: fee !== null && rnd() < 0.5 ? fee + pick(2 * DAY) : null,
      feeAt: fee,
      ratings,
      // Not drawn, so the other facts are what they were before method v2.
      ...(i % 3 === 0 ? { identified: true } : {}),
    };
  }
  return { units, procedures, facts };
}

/** `n` feedback items over `units` received in [from, to): a fifth forwarded, some late, rated, repeats,
 * a third naming one of `dossiers` dossiers `D-{i}` (generateFacts' codes). */
export function generateFeedbackFacts(
  n: number,
  units: readonly ScorecardUnitInput[],
  from: number,
  to: number,
  dossiers: number,
  seed = 2,
): FeedbackFacts[] {
  const rnd = rng(seed);
  const pick = (k: number) => Math.floor(rnd() * k);
  const out: FeedbackFacts[] = new Array(n);
  const holding = (id: string, unitId: string, at: number): FeedbackUnitFacts => ({
    id,
    unitId,
    receivedAt: at,
    finishedAt: null,
    finishedBy: null,
    rejectOrForwardBy: at + 3 * DAY,
    informationRequestBy: at + 7 * DAY,
    answerBy: at + 21 * DAY,
    rejectedOrForwardedAt: null,
    firstInformationRequestAt: null,
    answeredAt: null,
    publishBy: null,
    publishedAt: null,
  });
  for (let i = 0; i < n; i++) {
    const id = `F-${i}`;
    const at = from + pick(to - from);
    const first = holding(id, units[pick(units.length)].unitId, at);
    const holdings = [first];
    let h = first;
    if (rnd() < 0.2) {
      const t = at + pick(4 * DAY);
      Object.assign(first, { finishedAt: t, finishedBy: 'forwarded', rejectedOrForwardedAt: t });
      h = holding(id, units[pick(units.length)].unitId, t);
      holdings.push(h);
    }
    if (rnd() < 0.85) {
      const answeredAt = h.receivedAt + pick(25 * DAY);
      const publishedAt = rnd() < 0.8 ? answeredAt + pick(3 * DAY) : null;
      Object.assign(h, { answeredAt, publishBy: answeredAt + 3 * DAY, publishedAt, finishedAt: publishedAt });
      if (publishedAt !== null) h.finishedBy = 'published';
    }
    out[i] = {
      id,
      unitId: first.unitId,
      receivedAt: at,
      about: 'dossier',
      procedureCode: null,
      dossierCode: rnd() < 0.33 ? `D-${pick(dossiers)}` : null,
      holdings,
      ratings: rnd() < 0.4 ? [{ at: at + pick(40 * DAY), satisfied: rnd() < 0.7 }] : [],
      repeatOf: null,
      repeatMarkedAt: rnd() < 0.05 ? at + DAY : null,
    };
  }
  return out;
}

/** `n` publication decision items over `procedures`, decided in [from, to): most on time. */
export function generatePublicationItems(
  n: number,
  procedures: readonly { code: string }[],
  from: number,
  to: number,
  seed = 3,
): PublicationItemFacts[] {
  const rnd = rng(seed);
  const pick = (k: number) => Math.floor(rnd() * k);
  return Array.from({ length: n }, (_, i) => {
    const decidedAt = from + pick(to - from);
    return {
      publicationId: `Q-${Math.floor(i / 5)}`,
      decisionNo: `${Math.floor(i / 5)}/QĐ-UBND`,
      procedureCode: procedures[pick(procedures.length)].code,
      change: rnd() < 0.1 ? 'abolished' : rnd() < 0.5 ? 'new' : 'amended',
      decidedAt,
      decidedOnTime: rnd() < 0.8,
      madePublicBy: decidedAt + 7 * DAY,
      madePublicAt: rnd() < 0.9 ? decidedAt + pick(10 * DAY) : null,
    };
  });
}
