// The scoring method as data (SCORING.md, "qd766-v1"): point values, shapes, thresholds, what is not
// tracked yet, and the bands. How each criterion's numerator and denominator are counted is code
// (scorecard.ts), keyed by criterion id; changing a point value or a threshold is a new method object.

export type GroupId =
  'transparency' | 'timeliness' | 'online-services' | 'online-payment' | 'satisfaction' | 'digitization';

export type CriterionId =
  | '1.1'
  | '1.2'
  | '1.3'
  | '1.4'
  | '2.1'
  | '3.1'
  | '3.2'
  | '3.3'
  | '4.1'
  | '4.2'
  | '4.3'
  | '5.1'
  | '5.2'
  | '5.3'
  | '6.1'
  | '6.2'
  | '6.3'
  | '6.4'
  | '6.5'
  | '6.5a'
  | '6.5b'
  | '6.5c';

/** linear: max × ratio; threshold T: min(max, max × ratio / T). */
export type CriterionShape = Readonly<{ kind: 'linear' }> | Readonly<{ kind: 'threshold'; t: number }>;

/** What a criterion counts: dossiers, catalogue procedures, or feedback / publication records. */
export type CriterionBasis = 'dossier' | 'procedure' | 'feedback' | 'publication' | 'unit' | 'other';

export type CriterionDef = Readonly<{
  id: CriterionId;
  max: number;
  shape: CriterionShape;
  basis: CriterionBasis;
  /** false: the data is not recorded yet, the criterion scores null (its max goes to maxWithoutData). */
  tracked: boolean;
  /** Denominator 0: 'null' (no data, the default rule) or 'max' (full marks, e.g. 5.1/5.2 with no feedback). */
  whenEmpty: 'null' | 'max';
  /** Why a criterion is null or differs from the written description. */
  note?: string;
  /** 5.3 (v2): a dossier that a feedback item received at or before the period's end names is lost. */
  feedbackSubjects?: boolean;
}>;

export type GroupDef = Readonly<{
  id: GroupId;
  name: string;
  max: number;
  criteria: readonly CriterionDef[];
}>;

/** Bands on the total, highest first; the last one's `min` is 0 (everything below the previous band). */
export type BandDef = Readonly<{ name: string; min: number }>;

export type ScoringMethod = Readonly<{ id: string; groups: readonly GroupDef[]; bands: readonly BandDef[] }>;

const linear: CriterionShape = { kind: 'linear' };
const threshold = (t: number): CriterionShape => ({ kind: 'threshold', t });
const dossier = (id: CriterionId, max: number, shape: CriterionShape, note?: string): CriterionDef => ({
  id,
  max,
  shape,
  basis: 'dossier',
  tracked: true,
  whenEmpty: 'null',
  ...(note === undefined ? {} : { note }),
});
const procedure = (id: CriterionId, max: number, shape: CriterionShape): CriterionDef => ({
  id,
  max,
  shape,
  basis: 'procedure',
  tracked: true,
  whenEmpty: 'null',
});
const untracked = (
  id: CriterionId,
  max: number,
  basis: CriterionBasis,
  note: string,
  whenEmpty: 'null' | 'max' = 'null',
): CriterionDef => ({ id, max, shape: linear, basis, tracked: false, whenEmpty, note });

const NO_PUBLICATION_DATES = 'null until the catalogue records publication dates';
const NO_FEEDBACK = 'null until feedback (PAKN) is tracked; then full marks when there is no feedback';

export const QD766_V1: ScoringMethod = {
  id: 'qd766-v1',
  groups: [
    {
      id: 'transparency',
      name: 'Công khai, minh bạch',
      max: 18,
      criteria: [
        untracked('1.1', 6, 'publication', NO_PUBLICATION_DATES),
        untracked('1.2', 4, 'publication', NO_PUBLICATION_DATES),
        untracked('1.3', 2, 'publication', NO_PUBLICATION_DATES),
        dossier('1.4', 6, linear),
      ],
    },
    {
      id: 'timeliness',
      name: 'Tiến độ giải quyết',
      max: 20,
      criteria: [dossier('2.1', 20, linear)],
    },
    {
      id: 'online-services',
      name: 'Dịch vụ công trực tuyến',
      max: 12,
      criteria: [
        procedure('3.1', 2, threshold(0.8)),
        procedure('3.2', 4, linear),
        dossier('3.3', 6, threshold(0.5)),
      ],
    },
    {
      id: 'online-payment',
      name: 'Thanh toán trực tuyến',
      max: 10,
      criteria: [
        procedure('4.1', 2, threshold(0.8)),
        procedure('4.2', 2, threshold(0.8)),
        dossier('4.3', 6, linear),
      ],
    },
    {
      id: 'satisfaction',
      name: 'Mức độ hài lòng',
      max: 18,
      criteria: [
        untracked('5.1', 6, 'feedback', NO_FEEDBACK, 'max'),
        untracked('5.2', 6, 'feedback', NO_FEEDBACK, 'max'),
        dossier('5.3', 6, threshold(0.9)),
      ],
    },
    {
      id: 'digitization',
      name: 'Số hóa hồ sơ',
      max: 22,
      criteria: [
        dossier('6.1', 6, linear),
        dossier(
          '6.2',
          4,
          linear,
          "linear: the portal's behaviour (the written description says threshold 0.8)",
        ),
        dossier('6.3', 2, threshold(0.8)),
        dossier('6.4', 4, linear),
        untracked(
          '6.5',
          6,
          'other',
          'electronic certified copies, population-database connection (2 + 2 + 2): null until tracked',
        ),
      ],
    },
  ],
  bands: [
    { name: 'Xuất sắc', min: 90 },
    { name: 'Tốt', min: 80 },
    { name: 'Khá', min: 70 },
    { name: 'Trung bình', min: 50 },
    { name: 'Yếu', min: 0 },
  ],
};

const tracked = (
  id: CriterionId,
  max: number,
  basis: CriterionBasis,
  whenEmpty: 'null' | 'max' = 'null',
  note?: string,
): CriterionDef => ({
  id,
  max,
  shape: linear,
  basis,
  tracked: true,
  whenEmpty,
  ...(note === undefined ? {} : { note }),
});

const group = (id: GroupId): GroupDef => QD766_V1.groups.find((g) => g.id === id)!;

/** SCORING.md "qd766-v2": all 100 points from tracked facts. Differs from v1 only in 1.1–1.3, 5.1, 5.2,
 * the feedback clause of 5.3 and 6.5 (split into 6.5a–c). */
export const QD766_V2: ScoringMethod = {
  id: 'qd766-v2',
  groups: [
    {
      ...group('transparency'),
      criteria: [
        tracked('1.1', 6, 'publication', 'max', 'full marks when no procedure was published in the period'),
        tracked('1.2', 4, 'publication', 'max', 'full marks when no procedure was published in the period'),
        tracked('1.3', 2, 'publication'),
        group('transparency').criteria[3],
      ],
    },
    group('timeliness'),
    group('online-services'),
    group('online-payment'),
    {
      ...group('satisfaction'),
      criteria: [
        tracked('5.1', 6, 'feedback', 'max', 'full marks when there is no feedback'),
        tracked('5.2', 6, 'feedback', 'max', 'full marks when there is no feedback'),
        { ...group('satisfaction').criteria[2], feedbackSubjects: true },
      ],
    },
    {
      ...group('digitization'),
      criteria: [
        ...group('digitization').criteria.slice(0, 4),
        tracked('6.5a', 2, 'unit', 'null', 'null for a department'),
        tracked('6.5b', 2, 'dossier'),
        tracked('6.5c', 2, 'procedure'),
      ],
    },
  ],
  bands: QD766_V1.bands,
};

export const SCORING_METHODS: readonly ScoringMethod[] = [QD766_V2, QD766_V1];
export const DEFAULT_SCORING_METHOD = QD766_V2;

/** The method of an id (`qd766-v2`, `qd766-v1`), or undefined. */
export const scoringMethodOf = (id: string): ScoringMethod | undefined =>
  SCORING_METHODS.find((m) => m.id === id);

/** The score of a criterion from its ratio (null ratio → null score). */
export function shapeScore(def: Pick<CriterionDef, 'max' | 'shape'>, ratio: number | null): number | null {
  if (ratio === null) return null;
  if (def.shape.kind === 'linear') return def.max * ratio;
  return Math.min(def.max, (def.max * ratio) / def.shape.t);
}

/** The band of a total: the first band whose min it reaches. */
export function bandOf(method: ScoringMethod, total: number): string {
  for (const b of method.bands) if (total >= b.min) return b.name;
  return method.bands[method.bands.length - 1].name;
}

export const methodMax = (method: ScoringMethod): number =>
  method.groups.reduce((sum, g) => sum + g.criteria.reduce((s, c) => s + c.max, 0), 0);
