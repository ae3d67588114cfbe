import {
  ACTION_ROLES,
  DomainError,
  assertDossierAccess,
  assertStepAllowed,
  assertUnitAccess,
  dossierDecider,
  mayAttempt,
  stepRecorders,
  visibleUnits,
} from '@tracker/domain';
import * as f from '@tracker/testing/fixtures/dossier.fixtures';

const refusal = (fn: () => void): { code: string; kind: string; message: string } | null => {
  try {
    fn();
    return null;
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    return { code: e.code, kind: e.kind, message: e.message };
  }
};

const clerkA = { role: 'clerk' as const, units: ['U01'] };
const clerkB = { role: 'clerk' as const, units: ['U02'] };
const reform = { role: 'reform-office' as const };
const admin = { role: 'admin' as const };
const dossier = { unitId: 'U01', currentUnitId: 'U01' };

describe('access policy', () => {
  it('answers a dossier outside the caller’s units exactly as a dossier that does not exist', () => {
    const none = refusal(() => assertDossierAccess(clerkB, 'read', 'U01-1', null));
    expect(none).toEqual({ code: 'DOSSIER_NOT_FOUND', kind: 'not-found', message: 'no dossier U01-1' });
    expect(refusal(() => assertDossierAccess(clerkB, 'read', 'U01-1', dossier))).toEqual(none);
    expect(refusal(() => assertDossierAccess(clerkB, 'write', 'U01-1', dossier))).toEqual(none);
    expect(refusal(() => assertDossierAccess(clerkA, 'write', 'U01-1', dossier))).toBeNull();
    // A transfer makes it the new unit's too.
    expect(
      refusal(() => assertDossierAccess(clerkB, 'write', 'U01-1', { ...dossier, currentUnitId: 'U02' })),
    ).toBeNull();
  });

  it('lets the reform office read every dossier and write none; admins do both', () => {
    expect(refusal(() => assertDossierAccess(reform, 'read', 'U01-1', dossier))).toBeNull();
    expect(refusal(() => assertDossierAccess(reform, 'write', 'U01-1', dossier))?.code).toBe(
      'READ_ONLY_ROLE',
    );
    expect(refusal(() => assertDossierAccess(admin, 'write', 'U01-1', dossier))).toBeNull();
  });

  it('refuses another unit with 403 (units are public) and scopes lists to the caller’s units', () => {
    expect(refusal(() => assertUnitAccess(clerkB, 'write', 'U01'))).toMatchObject({
      code: 'NOT_YOUR_UNIT',
      kind: 'forbidden',
    });
    expect(refusal(() => assertUnitAccess(reform, 'read', 'U01'))).toBeNull();
    expect(refusal(() => assertUnitAccess(reform, 'write', 'U01'))?.code).toBe('READ_ONLY_ROLE');
    expect(visibleUnits({ role: 'supervisor', units: ['U01', 'U01', 'U02'] })).toEqual(['U01', 'U02']);
    expect(visibleUnits(reform)).toBe('all');
  });

  it('says which roles may attempt what (admins everything)', () => {
    expect(mayAttempt('clerk', 'receive-dossier')).toBe(true);
    expect(mayAttempt('supervisor', 'receive-dossier')).toBe(false);
    expect(mayAttempt('reform-office', 'record-step')).toBe(false);
    expect(mayAttempt('clerk', 'read-scores')).toBe(false);
    for (const action of Object.keys(ACTION_ROLES)) expect(mayAttempt('admin', action as never)).toBe(true);
  });

  it('lets only a supervisor sign an apology: one refusal for clerks and admins, in the handler and the decider', () => {
    const byClerk = refusal(() => assertStepAllowed(clerkA, 'apology-issued'));
    expect(byClerk).toMatchObject({ code: 'APOLOGY_NOT_BY_SUPERVISOR', kind: 'forbidden' });
    expect(refusal(() => assertStepAllowed(admin, 'apology-issued'))?.code).toBe('APOLOGY_NOT_BY_SUPERVISOR');
    expect(
      refusal(() => assertStepAllowed({ role: 'supervisor', units: ['U01'] }, 'apology-issued')),
    ).toBeNull();
    expect(refusal(() => assertStepAllowed(admin, 'synced'))).toBeNull();
    // A supervisor signs apologies and records nothing else; the pages offer each role its own steps.
    expect(
      refusal(() => assertStepAllowed({ role: 'supervisor', units: ['U01'] }, 'processed')),
    ).toMatchObject({
      code: 'STEP_NOT_BY_SUPERVISOR',
      kind: 'forbidden',
    });
    expect(refusal(() => assertStepAllowed(clerkA, 'processed'))).toBeNull();
    expect(stepRecorders('apology-issued')).toEqual(['supervisor']);
    expect(stepRecorders('processed')).toEqual(['clerk', 'admin']);
    // The decider asks the same rule of the command's actor.
    const apology = (actor: typeof f.supervisor) =>
      refusal(() =>
        dossierDecider.decide(
          {
            type: 'IssueApology',
            data: {
              occurredAt: '2025-03-06T09:00:00+07:00',
              now: '2025-03-06T10:00:00+07:00',
              actor,
              reason: 'chờ ý kiến',
              newDueAt: '2025-03-20T09:00:00+07:00',
              signedBy: 'Giám đốc',
              calendar: f.calendar,
            },
          },
          dossierDecider.evolve(dossierDecider.initialState(), f.received()),
        ),
      );
    expect(apology({ subject: 'root', role: 'admin' })?.code).toBe('APOLOGY_NOT_BY_SUPERVISOR');
    expect(apology(f.supervisor)).toBeNull();
  });
});
