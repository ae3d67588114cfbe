// An independent reading of SCORING.md ("qd766-v1" and "qd766-v2"), written for the scenario test straight from the text
// and the raw events in `$all`, sharing no code with libs/domain/src/scoring. Deliberately plain: lists,
// filters and counts, no indexes, no incremental folds.

export type RawEvent = { stream: string; type: string; data: Record<string, any> };

import { defaultVietnamCalendar } from '../../libs/domain/src/calendar';

type Unit = {
  unitId: string;
  name: string;
  level: string;
  parentId?: string;
  electronicCertifiedCopySince?: string;
};
type Procedure = {
  code: string;
  versions: {
    units: string[];
    onlineLevel: string;
    feeRequired: boolean;
    effectiveFrom: string;
    forCitizens?: boolean;
    publicComponents?: string[];
  }[];
};
/** A decision item with its decision's dates (dates as YYYY-MM-DD). */
type PubItem = {
  procedureCode: string;
  change: string;
  decidedOn: string;
  basisEffectiveOn: string;
  madePublicOn: string | null;
};
export type Method = 'qd766-v1' | 'qd766-v2';

export type Criterion = {
  id: string;
  numerator: number | null;
  denominator: number | null;
  score: number | null;
  max: number;
};
export type Row = {
  unitId: string;
  total: number;
  maxWithoutData: number;
  band: string | null;
  rank?: number;
  criteria: Criterion[];
};

const HOUR = 3600_000;
const ms = (iso: string) => Date.parse(iso);

/** [start, last instant] of `2025`, `2025-Q1` or `2025-03`, in UTC+7. */
export function periodBounds(period: string): [number, number] {
  const y = Number(period.slice(0, 4));
  let m0 = 0;
  let months = 12;
  if (/Q\d$/.test(period)) {
    m0 = (Number(period.slice(-1)) - 1) * 3;
    months = 3;
  } else if (/-\d\d$/.test(period)) {
    m0 = Number(period.slice(5)) - 1;
    months = 1;
  }
  const start = Date.UTC(y, m0, 1) - 7 * HOUR;
  const next = Date.UTC(y, m0 + months, 1) - 7 * HOUR;
  return [start, next - 1];
}

type Dossier = {
  code: string;
  unitId: string;
  procedureCode: string;
  requiresWrittenResult: boolean;
  online: boolean;
  receivedAt: number;
  dueAt: number;
  finishedAt: number | null;
  requests: number[];
  receipts: number[];
  synced: boolean;
  digitized: boolean;
  reused: boolean;
  personal: boolean;
  eResult: boolean;
  fee: boolean;
  paidOnline: boolean;
  lastRating: boolean | null;
  identified: boolean;
};

/** Each dossier as it stands at asOf: only events with occurredAt ≤ asOf exist. */
function dossiersAt(events: RawEvent[], asOf: number): Dossier[] {
  const byStream = new Map<string, RawEvent[]>();
  for (const e of events) {
    if (!e.stream.startsWith('dossier-')) continue;
    if (ms(e.data.occurredAt) > asOf) continue;
    byStream.set(e.stream, [...(byStream.get(e.stream) ?? []), e]);
  }
  const out: Dossier[] = [];
  for (const list of byStream.values()) {
    const sorted = [...list].sort((a, b) => ms(a.data.occurredAt) - ms(b.data.occurredAt));
    const received = sorted.find((e) => e.type === 'DossierReceived');
    if (!received) continue;
    const r = received.data;
    const at = (types: string[]) =>
      sorted.filter((e) => types.includes(e.type)).map((e) => ms(e.data.occurredAt));
    const finishes = at(['DossierProcessed', 'ResultReturned', 'DossierStopped', 'DossierWithdrawn']);
    const digitized = sorted.filter((e) => e.type === 'InputDigitized');
    const ratings = sorted.filter((e) => e.type === 'SatisfactionRated');
    out.push({
      code: r.code,
      unitId: r.unitId,
      procedureCode: r.procedureCode,
      requiresWrittenResult: r.procedure.requiresWrittenResult,
      online: r.channel === 'online',
      receivedAt: ms(r.receivedAt),
      dueAt: ms(r.dueAt),
      finishedAt: finishes.length ? Math.min(...finishes) : null,
      requests: at(['SupplementRequested']),
      receipts: at(['SupplementReceived']),
      synced: at(['DossierSynced']).length > 0,
      digitized: digitized.length > 0,
      reused: digitized.some((e) => e.data.reused === true),
      personal: digitized.some((e) => e.data.fromPersonalStore === true),
      eResult: at(['ResultIssuedElectronically']).length > 0,
      fee: r.feeAmount > 0 || sorted.some((e) => e.type === 'PaymentRequested' && e.data.amount > 0),
      paidOnline: at(['PaidOnline']).length > 0,
      lastRating: ratings.length ? ratings[ratings.length - 1].data.satisfied : null,
      identified: r.identifiedThrough === 'vneid' || r.identifiedThrough === 'population-database',
    });
  }
  return out;
}

type Holding = {
  unitId: string;
  from: number;
  deadlines: { rejectOrForwardBy: string; informationRequestBy: string; answerBy: string };
  end: number | null;
  rejectedOrForwardedAt: number | null;
  infoAt: number | null;
  answeredAt: number | null;
  publishBy: number | null;
  publishedAt: number | null;
};
type Item = {
  id: string;
  receivedAt: number;
  dossierCode: string | null;
  holdings: Holding[];
  lastRating: boolean | null;
  repeat: boolean;
};

/** Each feedback item as it stands at asOf, its holdings read from the events in occurredAt order. */
function feedbackAt(events: RawEvent[], asOf: number): Item[] {
  const byStream = new Map<string, RawEvent[]>();
  for (const e of events) {
    if (!e.stream.startsWith('feedback-') || ms(e.data.occurredAt) > asOf) continue;
    byStream.set(e.stream, [...(byStream.get(e.stream) ?? []), e]);
  }
  const out: Item[] = [];
  for (const list of byStream.values()) {
    const sorted = [...list].sort((a, b) => ms(a.data.occurredAt) - ms(b.data.occurredAt));
    let item: Item | null = null;
    const hold = (unitId: string, from: number, deadlines: Holding['deadlines']): Holding => ({
      unitId,
      from,
      deadlines,
      end: null,
      rejectedOrForwardedAt: null,
      infoAt: null,
      answeredAt: null,
      publishBy: null,
      publishedAt: null,
    });
    for (const e of sorted) {
      const t = ms(e.data.occurredAt);
      if (e.type === 'FeedbackReceived') {
        item = {
          id: e.data.id,
          receivedAt: ms(e.data.receivedAt),
          dossierCode: e.data.dossierCode ?? null,
          holdings: [hold(e.data.unitId, ms(e.data.receivedAt), e.data.deadlines)],
          lastRating: null,
          repeat: false,
        };
        continue;
      }
      if (item === null) continue;
      const cur = item.holdings[item.holdings.length - 1];
      if (e.type === 'FeedbackRejected' || e.type === 'FeedbackReturned') {
        cur.end = t;
        cur.rejectedOrForwardedAt = t;
      } else if (e.type === 'FeedbackForwarded') {
        cur.end = t;
        cur.rejectedOrForwardedAt = t;
        item.holdings.push(hold(e.data.toUnitId, t, e.data.deadlines));
      } else if (e.type === 'FeedbackInformationRequested') cur.infoAt ??= t;
      else if (e.type === 'FeedbackAnswered') {
        cur.answeredAt ??= t;
        cur.publishBy ??= ms(e.data.publishBy);
      } else if (e.type === 'FeedbackAnswerPublished') {
        cur.publishedAt ??= t;
        cur.end ??= t;
      } else if (e.type === 'FeedbackRated') item.lastRating = e.data.satisfied;
      else if (e.type === 'FeedbackMarkedRepeat') item.repeat = true;
    }
    if (item) out.push(item);
  }
  return out;
}

/** SCORING.md "Feedback": on time at end for the unit of this holding. */
function feedbackOnTime(h: Holding, end: number): boolean {
  const by = (x: string) => ms(x);
  const done = (t: number | null): t is number => t !== null && t <= end;
  if (done(h.infoAt) && h.infoAt > by(h.deadlines.informationRequestBy)) return false;
  if (done(h.rejectedOrForwardedAt)) return h.rejectedOrForwardedAt <= by(h.deadlines.rejectOrForwardBy);
  if (!done(h.answeredAt)) return by(h.deadlines.answerBy) >= end;
  if (h.answeredAt > by(h.deadlines.answerBy)) return false;
  if (done(h.publishedAt)) return h.publishedAt <= h.publishBy!;
  return h.publishBy! >= end;
}

/** [5.1 numerator, denominator, 5.2 numerator, denominator] of one unit (null: the province, the sum). */
function feedbackCounts(items: Item[], unitIds: string[], start: number, end: number): number[] {
  const c = [0, 0, 0, 0];
  for (const unitId of unitIds)
    for (const item of items) {
      const mine = item.holdings.filter((h) => h.unitId === unitId && h.from <= end);
      if (mine.length === 0) continue;
      const onTime = mine.every((h) => feedbackOnTime(h, end));
      if (mine.some((h) => !(h.end !== null && h.end < start))) {
        c[1]++;
        if (onTime) c[0]++;
      }
      if (mine[0].from >= start) {
        c[3]++;
        if (onTime && item.lastRating !== false && !item.repeat) c[2]++;
      }
    }
  return c;
}

/** SCORING.md "On time": judged at the end of the period (or of asOf). */
function onTime(d: Dossier, end: number): boolean {
  let e: number;
  if (d.finishedAt !== null && d.finishedAt <= end) e = d.finishedAt;
  else {
    const requestsByEnd = d.requests.filter((t) => t <= end);
    const receiptsByEnd = d.receipts.filter((t) => t <= end);
    const open = requestsByEnd.length > receiptsByEnd.length;
    e = open && requestsByEnd.length === 1 ? requestsByEnd[0] : end;
  }
  let s = 0;
  d.requests.forEach((req, i) => {
    const rec = d.receipts[i];
    if (rec !== undefined && rec <= e) s += rec - req;
  });
  const requestCount = d.requests.filter((t) => t <= end).length;
  return requestCount <= 1 && e - s <= d.dueAt;
}

const linear = (max: number, n: number, d: number) => (d === 0 ? null : (max * n) / d);
const threshold = (max: number, t: number, n: number, d: number) =>
  d === 0 ? null : Math.min(max, (max * (n / d)) / t);

function versionAt(p: Procedure, at: number) {
  const inForce = p.versions.filter((v) => ms(v.effectiveFrom) <= at);
  return inForce.length ? inForce[inForce.length - 1] : p.versions[0];
}

/** The first instant (UTC+7) of a date. */
const dayStart = (date: string) => Date.parse(`${date}T00:00:00+07:00`);
const calendar = defaultVietnamCalendar();

type CatalogueProc = {
  code: string;
  units: string[];
  onlineLevel: string;
  feeRequired: boolean;
  forCitizens?: boolean;
  publicComponents?: string[];
};

type V2Input = {
  /** The procedures published in the period for this row, each with every decision item of the period. */
  published: Map<string, PubItem[]>;
  /** The row's catalogue procedures that are public at end. */
  publicProcs: CatalogueProc[];
  /** The communes this row is scored over (null: a department, 6.5a has no data). */
  communes: Unit[] | null;
  /** [5.1 num, den, 5.2 num, den]. */
  feedback: number[];
  /** Dossier codes named by an item received at or before end. */
  subjects: Set<string>;
};

function criteriaFor(
  dossiers: Dossier[],
  procedures: CatalogueProc[],
  start: number,
  end: number,
  method: Method,
  v2in: V2Input,
  province = false,
): Criterion[] {
  const received = dossiers.filter((d) => d.receivedAt >= start && d.receivedAt <= end);
  const finished = dossiers.filter(
    (d) => d.finishedAt !== null && d.finishedAt >= start && d.finishedAt <= end,
  );
  const handled = dossiers.filter(
    (d) => d.receivedAt <= end && !(d.finishedAt !== null && d.finishedAt < start),
  );
  const onlineProcs = procedures.filter((p) => p.onlineLevel !== 'none');
  const feeProcs = procedures.filter((p) => p.feeRequired);
  const withFee = received.filter((d) => d.fee);
  const c = (
    id: string,
    max: number,
    n: number | null,
    d: number | null,
    score: number | null,
  ): Criterion => ({
    id,
    numerator: n,
    denominator: d,
    score,
    max,
  });
  const onlineProcsUsed = onlineProcs.filter((p) =>
    received.some((d) => d.online && d.procedureCode === p.code),
  );
  const feeProcsUsed = feeProcs.filter((p) => withFee.some((d) => d.procedureCode === p.code));
  // A unit's 4.2 counts any procedure its dossiers name; the province's counts distinct catalogue procedures.
  const procsWithFee = [...new Set(withFee.map((d) => d.procedureCode))].filter(
    (code) => !province || procedures.some((p) => p.code === code),
  );
  const procsPaidOnline = procsWithFee.filter((code) =>
    withFee.some((d) => d.procedureCode === code && d.paidOnline),
  );
  const lateOrUnhappy = (d: Dossier) =>
    !onTime(d, end) || d.lastRating === false || (method === 'qd766-v2' && v2in.subjects.has(d.code));
  const written = finished.filter((d) => d.requiresWrittenResult);
  const n = (xs: unknown[]) => xs.length;
  const v2 = method === 'qd766-v2';
  // 1.1: decidedOn ≤ basisEffectiveOn − 5 working days; 1.2: made public by decidedOn + 5 working days, or
  // not yet at end and that day still after end.
  const pubs = [...v2in.published.values()];
  const decidedOnTime = (i: PubItem) => i.decidedOn <= calendar.addWorkingDays(i.basisEffectiveOn, -5);
  const madePublicOnTime = (i: PubItem) => {
    const by = calendar.addWorkingDays(i.decidedOn, 5);
    if (i.madePublicOn !== null && dayStart(i.madePublicOn) <= end) return i.madePublicOn <= by;
    return dayStart(by) > end;
  };
  const p11 = n(pubs.filter((items) => items.every(decidedOnTime)));
  const p12 = n(pubs.filter((items) => items.every(madePublicOnTime)));
  const full = (p: CatalogueProc) =>
    ['name', 'steps', 'methods', 'dossier', 'timeLimit', 'subjects', 'agency'].every((k) =>
      (p.publicComponents ?? []).includes(k),
    );
  const p13 = n(v2in.publicProcs.filter(full));
  const communesOffering = (v2in.communes ?? []).filter(
    (u) => u.electronicCertifiedCopySince !== undefined && dayStart(u.electronicCertifiedCopySince) <= end,
  );
  const identified = received.filter((d) => d.identified);
  const citizenProcs = procedures.filter((p) => p.forCitizens !== false);
  const citizenProcsUsed = citizenProcs.filter((p) => identified.some((d) => d.procedureCode === p.code));
  const withFull = (max: number, num: number, den: number) => (den === 0 ? max : linear(max, num, den));
  const fb = v2in.feedback;
  return [
    ...(v2
      ? [
          c('1.1', 6, p11, pubs.length, withFull(6, p11, pubs.length)),
          c('1.2', 4, p12, pubs.length, withFull(4, p12, pubs.length)),
          c('1.3', 2, p13, v2in.publicProcs.length, linear(2, p13, v2in.publicProcs.length)),
        ]
      : [c('1.1', 6, null, null, null), c('1.2', 4, null, null, null), c('1.3', 2, null, null, null)]),
    c(
      '1.4',
      6,
      n(received.filter((d) => d.synced)),
      n(received),
      linear(6, n(received.filter((d) => d.synced)), n(received)),
    ),
    c(
      '2.1',
      20,
      n(handled.filter((d) => onTime(d, end))),
      n(handled),
      linear(20, n(handled.filter((d) => onTime(d, end))), n(handled)),
    ),
    c('3.1', 2, n(onlineProcs), n(procedures), threshold(2, 0.8, n(onlineProcs), n(procedures))),
    c('3.2', 4, n(onlineProcsUsed), n(onlineProcs), linear(4, n(onlineProcsUsed), n(onlineProcs))),
    c(
      '3.3',
      6,
      n(received.filter((d) => d.online)),
      n(received),
      threshold(6, 0.5, n(received.filter((d) => d.online)), n(received)),
    ),
    c('4.1', 2, n(feeProcsUsed), n(feeProcs), threshold(2, 0.8, n(feeProcsUsed), n(feeProcs))),
    c('4.2', 2, n(procsPaidOnline), n(procsWithFee), threshold(2, 0.8, n(procsPaidOnline), n(procsWithFee))),
    c(
      '4.3',
      6,
      n(withFee.filter((d) => d.paidOnline)),
      n(withFee),
      linear(6, n(withFee.filter((d) => d.paidOnline)), n(withFee)),
    ),
    ...(v2
      ? [
          c('5.1', 6, fb[0], fb[1], withFull(6, fb[0], fb[1])),
          c('5.2', 6, fb[2], fb[3], withFull(6, fb[2], fb[3])),
        ]
      : [c('5.1', 6, null, null, null), c('5.2', 6, null, null, null)]),
    c(
      '5.3',
      6,
      n(handled.filter((d) => !lateOrUnhappy(d))),
      n(handled),
      threshold(6, 0.9, n(handled.filter((d) => !lateOrUnhappy(d))), n(handled)),
    ),
    c(
      '6.1',
      6,
      n(written.filter((d) => d.eResult)),
      n(written),
      linear(6, n(written.filter((d) => d.eResult)), n(written)),
    ),
    c(
      '6.2',
      4,
      n(received.filter((d) => d.digitized)),
      n(received),
      linear(4, n(received.filter((d) => d.digitized)), n(received)),
    ),
    c(
      '6.3',
      2,
      n(received.filter((d) => d.reused)),
      n(received),
      threshold(2, 0.8, n(received.filter((d) => d.reused)), n(received)),
    ),
    c(
      '6.4',
      4,
      n(received.filter((d) => d.personal)),
      n(received),
      linear(4, n(received.filter((d) => d.personal)), n(received)),
    ),
    ...(v2
      ? [
          v2in.communes === null || v2in.communes.length === 0
            ? c('6.5a', 2, 0, 0, null)
            : c(
                '6.5a',
                2,
                n(communesOffering),
                v2in.communes.length,
                linear(2, n(communesOffering), v2in.communes.length),
              ),
          c('6.5b', 2, n(identified), n(received), linear(2, n(identified), n(received))),
          c('6.5c', 2, n(citizenProcsUsed), n(citizenProcs), linear(2, n(citizenProcsUsed), n(citizenProcs))),
        ]
      : [c('6.5', 6, null, null, null)]),
  ];
}

const BANDS: [number, string][] = [
  [90, 'Xuất sắc'],
  [80, 'Tốt'],
  [70, 'Khá'],
  [50, 'Trung bình'],
];

function row(unitId: string, criteria: Criterion[]): Row {
  const total = criteria.reduce((s, c) => s + (c.score ?? 0), 0);
  const maxWithoutData = criteria.reduce((s, c) => s + (c.score === null ? c.max : 0), 0);
  const shown = Math.round(total * 100) / 100;
  const band = criteria.every((c) => c.score === null)
    ? null
    : (BANDS.find(([min]) => shown >= min)?.[1] ?? 'Yếu');
  return { unitId, total, maxWithoutData, band, criteria };
}

/** The scorecard of one level, plus the province row, from the raw events. */
export function independentScorecard(
  events: RawEvent[],
  period: string,
  asOf: number,
  level: string,
  method: Method = 'qd766-v2',
) {
  const [start, last] = periodBounds(period);
  const end = Math.min(last, asOf);
  const dossiers = dossiersAt(events, asOf);
  const units = new Map<string, Unit>();
  const procedures = new Map<string, Procedure>();
  for (const e of events) {
    if (e.type === 'UnitDefined' || e.type === 'UnitChanged') units.set(e.data.unitId, e.data as Unit);
    if (e.type === 'ProcedureDefined' || e.type === 'ProcedureChanged') {
      const p: Procedure = procedures.get(e.data.code) ?? { code: e.data.code, versions: [] };
      p.versions.push(e.data as Procedure['versions'][number]);
      procedures.set(e.data.code, p);
    }
  }
  const catalogue = [...procedures.values()].map((p) => ({ code: p.code, ...versionAt(p, last) }));
  // Publication decisions: their latest facts and the days each item was made public.
  const decisions = new Map<string, Record<string, any>>();
  const madePublic = new Map<string, string>();
  for (const e of events) {
    if (e.type === 'PublicationDecided' || e.type === 'PublicationDecisionChanged')
      decisions.set(e.data.publicationId, e.data);
    if (e.type === 'ProcedureMadePublic')
      madePublic.set(`${e.data.publicationId} ${e.data.procedureCode}`, e.data.madePublicOn);
  }
  const items: PubItem[] = [...decisions.values()].flatMap((d) =>
    d.items.map((i: any) => ({
      procedureCode: i.procedureCode,
      change: i.change,
      decidedOn: d.decidedOn,
      basisEffectiveOn: d.basisEffectiveOn,
      madePublicOn: madePublic.get(`${d.publicationId} ${i.procedureCode}`) ?? null,
    })),
  );
  const inPeriod = items.filter((i) => dayStart(i.decidedOn) >= start && dayStart(i.decidedOn) <= end);
  /** Public at end: made public under an item that does not abolish, and no abolition decided since that
   * item's decision (the same day included: an abolition takes effect on its decidedOn). */
  const isPublic = (code: string) => {
    const mine = items.filter((i) => i.procedureCode === code && dayStart(i.decidedOn) <= end);
    const made = mine
      .filter((i) => i.change !== 'abolished' && i.madePublicOn !== null && dayStart(i.madePublicOn) <= end)
      .map((i) => dayStart(i.decidedOn));
    if (made.length === 0) return false;
    const last = Math.max(...made);
    return !mine.some((i) => i.change === 'abolished' && dayStart(i.decidedOn) >= last);
  };
  const feedbackItems = feedbackAt(events, asOf);
  const subjects = new Set(
    feedbackItems.filter((i) => i.dossierCode !== null && i.receivedAt <= end).map((i) => i.dossierCode!),
  );
  const v2For = (unitId: string | null): V2Input => {
    const published = new Map<string, PubItem[]>();
    for (const i of inPeriod) {
      const p = procedures.get(i.procedureCode);
      const listed = p !== undefined && versionAt(p, dayStart(i.decidedOn)).units.includes(unitId ?? '');
      if (unitId !== null && !listed) continue;
      published.set(i.procedureCode, [...(published.get(i.procedureCode) ?? []), i]);
    }
    const publicProcs = catalogue.filter(
      (p) => (unitId === null || p.units.includes(unitId)) && isPublic(p.code),
    );
    const communes = [...units.values()].filter((c) => c.level === 'commune');
    const unit = unitId === null ? null : units.get(unitId)!;
    return {
      published,
      publicProcs,
      feedback: feedbackCounts(feedbackItems, unitId === null ? [...units.keys()] : [unitId], start, end),
      subjects,
      communes:
        unit === null
          ? communes
          : unit.level === 'commune'
            ? [unit]
            : unit.level === 'district'
              ? communes.filter((c) => c.parentId === unit.unitId)
              : null,
    };
  };
  const rows = [...units.values()]
    .filter((u) => u.level === level)
    .map((u) =>
      row(
        u.unitId,
        criteriaFor(
          dossiers.filter((d) => d.unitId === u.unitId),
          catalogue.filter((p) => p.units.includes(u.unitId)),
          start,
          end,
          method,
          v2For(u.unitId),
        ),
      ),
    );
  const score21 = (r: Row) => r.criteria.find((c) => c.id === '2.1')!.score ?? -1;
  rows.sort((a, b) => b.total - a.total || score21(b) - score21(a) || a.unitId.localeCompare(b.unitId));
  rows.forEach((r, i) => (r.rank = i + 1));
  const province = row('province', criteriaFor(dossiers, catalogue, start, end, method, v2For(null), true));
  return { rows, province };
}
