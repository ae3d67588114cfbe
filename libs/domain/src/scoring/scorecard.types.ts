// The scorecard's input and output (PRODUCT.md's JSON shape). Output numbers: `score`, group `score`,
// `total` and `maxWithoutData` are rounded to 2 decimals and `ratio` to 4, for display only (the total and
// the ranks are computed from unrounded scores); numerators and denominators are counts.
import type { Instant } from '../calendar';
import type { ProcedureVersion, UnitLevel } from '../catalogue';
import type { DossierFacts } from './dossier-facts';
import type { FactsTable, SubjectMark } from './facts-table';
import type { PublicationItemFacts } from '../publication/publication-facts';
import type { FeedbackFacts } from '../feedback/feedback-facts';
import type { FeedbackTable } from './feedback-table';
import type { CriterionId, GroupId, ScoringMethod } from './scoring-method';

export type ScorecardUnitInput = Readonly<{
  unitId: string;
  name: string;
  level: UnitLevel;
  /** A commune's district (6.5a scores a district over the communes whose parent it is). */
  parentId?: string;
  /** A commune offers electronic certified copies from originals from this day (YYYY-MM-DD). */
  electronicCertifiedCopySince?: string;
}>;

/** A catalogue procedure: either its dated versions (the one effective at the period's end is used) or a
 * simplified view already taken as of the period's end. */
export type ScorecardProcedureInput =
  | Readonly<{
      code: string;
      units: readonly string[];
      onlineLevel: 'none' | 'partial' | 'full';
      feeRequired: boolean;
      /** Default true. */
      forCitizens?: boolean;
      publicComponents?: readonly string[];
    }>
  | Readonly<{ code: string; versions: readonly ProcedureVersion[] }>;

export type ComputeScorecardInput = Readonly<{
  method: ScoringMethod;
  /** `2024`, `2024-Q2` or `2024-05`. */
  period: string;
  /** ISO instant with offset, or epoch ms. The caller supplies "now" when the request names none. */
  asOf: Instant | number;
  /** Every unit of the province (the province row aggregates all of them, whatever `level`). */
  units: readonly ScorecardUnitInput[];
  procedures: readonly ScorecardProcedureInput[];
  /** All dossiers' facts (any that do not fall in the period are skipped cheaply); a FactsTable (columns)
   * scans several times faster than objects. */
  facts: Iterable<DossierFacts> | readonly DossierFacts[] | FactsTable;
  /** The publication decisions' items (1.1–1.3, v2), any period: those outside it are skipped. */
  publications?: readonly PublicationItemFacts[];
  /** The feedback items' facts (5.1, 5.2 and 5.3's feedback clause, v2); a FeedbackTable counts only the
   * items its period index names. */
  feedback?: readonly FeedbackFacts[] | FeedbackTable;
  /** 5.3 (v2): the items naming a dossier (else derived from `feedback`). An append-only log: a FactsTable
   * given the same array again applies only its new entries. */
  feedbackSubjects?: readonly SubjectMark[];
  /** Only units of this level get a row (ranks are always within a level). */
  level?: UnitLevel;
  /** List the codes behind each criterion (GET /api/scorecards/{unitId}). */
  explain?: boolean;
  /** Codes listed per criterion and list when explaining; default 100. */
  explainLimit?: number;
  /** Only these units get a row (e.g. the one unit of GET /api/scorecards/{unitId}); ranks still span
   * the whole level. */
  onlyUnitIds?: readonly string[];
  /** The province row's name; default 'province'. */
  provinceName?: string;
}>;

/** With `explain`: what stands behind a criterion. Dossier codes for dossier criteria, procedure codes
 * for 3.1, 3.2, 4.1, 4.2. `lost`: those in the denominator but not the numerator (e.g. 2.1's late
 * dossiers). Each list is capped at `explainLimit`; the counts are the criterion's own. */
export type CriterionExplanation = {
  kind: 'dossier' | 'procedure' | 'feedback' | 'unit';
  numerator: string[];
  lost: string[];
  truncated: boolean;
};

export type CriterionResult = {
  id: CriterionId;
  /** null for a criterion that is not tracked yet. */
  numerator: number | null;
  denominator: number | null;
  /** null when the denominator is 0 or the criterion is not tracked. */
  ratio: number | null;
  score: number | null;
  max: number;
  explain?: CriterionExplanation;
};

export type GroupResult = { id: GroupId; score: number | null; max: number; criteria: CriterionResult[] };

export type ScoreRow = {
  /** Sum of the non-null criteria (0 when all are null). */
  total: number;
  /** Sum of the max of the null criteria. */
  maxWithoutData: number;
  /** On the total as shown (2 decimals); null when no criterion has data. */
  band: string | null;
  groups: GroupResult[];
};

export type UnitScore = ScoreRow & { unitId: string; name: string; level: UnitLevel; rank: number };

/** The province's own row: all units' dossiers aggregated, distinct catalogue procedures; no rank. */
export type ProvinceScore = ScoreRow & { unitId: 'province'; name: string; level: 'province' };

export type Scorecard = {
  period: string;
  method: string;
  /** ISO, +07:00. */
  asOf: Instant;
  /** Ranked rows, ordered by level then rank. */
  units: UnitScore[];
  province: ProvinceScore;
};
