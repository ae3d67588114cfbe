// Which alerts a dossier has open, derived from its state alone (so the alert list, its change stream and a
// rebuild can never disagree). Due-soon and apology-needed alerts hold for the current effective due while
// the clock runs and no apology was issued; an overdue alert holds while the overdue stands. A finished
// dossier has none.
import type { Instant } from '../calendar';
import type { DossierState } from '../dossier/dossier.state';
import { instantMs } from '../calendar/instant';
import { isClockRunning, type DeadlineStage } from './deadline-ladder';

export type DeadlineAlert = Readonly<{
  /** `<kind>-<code>-<due epoch ms>`: one alert per kind and due instant. */
  id: string;
  code: string;
  kind: DeadlineStage;
  dueAt: Instant;
  /** When the stage was reached (the event's occurredAt). */
  raisedAt: Instant;
  unitId: string;
  currentUnitId: string;
  procedureCode: string;
  /** What the alert is about; absent on dossier alerts stored before feedback existed (see `withSubject`). */
  subject?: 'dossier' | 'feedback';
}>;

/** An alert with its subject, as every answer shows it: one stored before feedback existed is a dossier's. */
export const withSubject = (alert: DeadlineAlert): DeadlineAlert =>
  alert.subject ? alert : { ...alert, subject: 'dossier' };

export function openAlerts(state: DossierState): DeadlineAlert[] {
  if (state.status === 'none' || state.finishedAt !== null) return [];
  const base = {
    subject: 'dossier' as const,
    code: state.code,
    unitId: state.unitId,
    currentUnitId: state.currentUnitId,
    procedureCode: state.procedureCode,
  };
  const alert = (kind: DeadlineStage, dueAt: Instant, raisedAt: Instant): DeadlineAlert => ({
    id: `${kind}-${state.code}-${instantMs(dueAt, 'dueAt')}`,
    kind,
    dueAt,
    raisedAt,
    ...base,
  });
  // The overdue replaces the warnings that led to it.
  if (state.overdue && state.overdueAt) return [alert('overdue', state.overdueAt, state.overdueAt)];
  if (!isClockRunning(state) || state.apology !== null) return [];
  const dueMs = instantMs(state.effectiveDueAt, 'effectiveDueAt');
  const seen = new Set<string>();
  return state.dueSoon
    .filter((d) => instantMs(d.dueAt, 'dueAt') === dueMs)
    .map((d) => alert(d.stage, d.dueAt, d.occurredAt))
    .filter((a) => !seen.has(a.id) && seen.add(a.id) !== undefined);
}
