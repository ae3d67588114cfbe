// Who may do what, in one place: the HTTP guard asks `mayAttempt` (by role, before anything is read), the
// handlers ask about the dossier or unit in question, the decider about the step. A dossier outside the
// caller's units answers exactly as a dossier that does not exist (404): its existence is not the caller's
// business. Units are public (the catalogue), so a unit outside the caller's answers 403.
import { DomainError, type Role } from '../core/event-sourcing.types';
import { dossierError } from '../dossier/dossier.errors';

/** The caller as the rules see them: role and, for clerks and supervisors, the units they serve. */
export type Who = Readonly<{ role: Role; units?: readonly string[] }>;

/** What a caller may attempt, by role (admins may attempt everything). */
export const ACTION_ROLES = {
  'receive-dossier': ['clerk'],
  'record-step': ['clerk', 'supervisor'],
  'read-dossier': ['clerk', 'supervisor', 'reform-office'],
  'explain-dossier': ['clerk', 'supervisor', 'reform-office'],
  'list-dossiers': ['clerk', 'supervisor', 'reform-office'],
  'watch-alerts': ['supervisor', 'reform-office'],
  'read-scores': ['supervisor', 'reform-office'],
  'receive-feedback': ['clerk'],
  'record-feedback-step': ['clerk'],
  'read-feedback': ['clerk', 'supervisor', 'reform-office'],
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof ACTION_ROLES;

export const mayAttempt = (role: Role, action: Action): boolean =>
  role === 'admin' || (ACTION_ROLES[action] as readonly Role[]).includes(role);

/** The reform office and admins see every unit; clerks and supervisors their own. */
export const seesAllUnits = (who: Who): boolean => who.role === 'admin' || who.role === 'reform-office';

/** The units whose dossiers and alerts the caller sees: 'all', or their own. */
export const visibleUnits = (who: Who): 'all' | readonly string[] =>
  seesAllUnits(who) ? 'all' : [...new Set(who.units ?? [])];

const serves = (who: Who, unitIds: readonly string[]): boolean =>
  seesAllUnits(who) || unitIds.some((u) => (who.units ?? []).includes(u));

const notYourUnit = () => new DomainError('NOT_YOUR_UNIT', 'forbidden', 'this unit is not one you serve');
const readOnly = () =>
  new DomainError('READ_ONLY_ROLE', 'forbidden', 'the reform office reads dossiers and writes none');

/** The one answer for a dossier that does not exist or is not the caller's to see. */
export const dossierNotFound = (code: string): DomainError =>
  new DomainError('DOSSIER_NOT_FOUND', 'not-found', `no dossier ${code}`);

/** The units a dossier belongs to: the receiving one and the one it is at now. */
export type DossierUnits = Readonly<{ unitId: string; currentUnitId: string }>;

/** May `who` read (or write to) dossier `code`? `dossier` null: it does not exist. */
export function assertDossierAccess(
  who: Who,
  mode: 'read' | 'write',
  code: string,
  dossier: DossierUnits | null,
): void {
  if (dossier === null || !serves(who, [dossier.unitId, dossier.currentUnitId])) throw dossierNotFound(code);
  if (mode === 'write' && who.role === 'reform-office') throw readOnly();
}

/** The one answer for a feedback item that does not exist or is not the caller's to see. */
export const feedbackNotFound = (id: string): DomainError =>
  new DomainError('FEEDBACK_NOT_FOUND', 'not-found', `no feedback item ${id}`);

/** The units of a feedback item: every unit that held it (they read it) and the one holding it now (it
 * writes: a forwarded item is taken over by the receiving unit). */
export type FeedbackUnits = Readonly<{ heldBy: readonly string[]; currentUnitId: string }>;

/** May `who` read feedback item `id`, or record its next step? `item` null: it does not exist. */
export function assertFeedbackAccess(
  who: Who,
  mode: 'read' | 'write',
  id: string,
  item: FeedbackUnits | null,
): void {
  if (item === null || !serves(who, mode === 'read' ? item.heldBy : [item.currentUnitId])) {
    // A unit that forwarded the item still reads it; writing is for the unit holding it (404 as unknown,
    // unless the caller may read it: then the refusal says why).
    if (item !== null && mode === 'write' && serves(who, item.heldBy)) {
      throw new DomainError(
        'NOT_HOLDING_UNIT',
        'forbidden',
        `feedback ${id} is now with unit ${item.currentUnitId}`,
      );
    }
    throw feedbackNotFound(id);
  }
  if (mode === 'write' && who.role === 'reform-office') throw readOnly();
}

/** May `who` act on unit `unitId` (receive a dossier there, or filter its lists and alerts)? */
export function assertUnitAccess(who: Who, mode: 'read' | 'write', unitId: string): void {
  if (mode === 'write' && who.role === 'reform-office') throw readOnly();
  if (!serves(who, [unitId])) throw notYourUnit();
}

/**
 * Who records a step of this type (PRODUCT.md): an apology (Mẫu 04) is signed by the head of the unit, a
 * supervisor, not a clerk and not an admin; every other step is recorded by the unit's clerks (admins too),
 * not by its supervisor. The system's own records go through commands of their own.
 */
export function mayRecordStep(role: Role | undefined, stepType: string): boolean {
  return stepType === 'apology-issued' ? role === 'supervisor' : role !== 'supervisor';
}

/** The people's roles that may record a step of this type (the pages offer each its own steps). */
export const stepRecorders = (stepType: string): Role[] =>
  (['clerk', 'supervisor', 'admin'] as const).filter((role) => mayRecordStep(role, stepType));

/** May `who` record a step of this type? Checked by the handler before the dossier is read and by the
 * decider on the command's actor. */
export function assertStepAllowed(who: Who | undefined, stepType: string): void {
  if (mayRecordStep(who?.role, stepType)) return;
  if (stepType === 'apology-issued') {
    throw dossierError(
      'APOLOGY_NOT_BY_SUPERVISOR',
      'an apology is signed by the head of the unit (a supervisor)',
      { role: who?.role },
    );
  }
  throw dossierError(
    'STEP_NOT_BY_SUPERVISOR',
    "a supervisor signs apologies; the unit's clerks record the other steps",
    { type: stepType },
  );
}

/** Scorecards are read by the reform office, supervisors and admins; clerks record, they do not rank. */
export function assertMayReadScores(who: Who): void {
  if (!mayAttempt(who.role, 'read-scores')) {
    throw new DomainError('FORBIDDEN', 'forbidden', 'scorecards are for supervisors and the reform office');
  }
}
