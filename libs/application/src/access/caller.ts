import { Actor, DomainError } from '@tracker/domain';
import type { CommandContext } from '../command-handling/handle-command';

export type CallerRole = 'clerk' | 'supervisor' | 'reform-office' | 'admin';

/** The authenticated caller of a use case, as the tokens file describes them. */
export type Caller = Readonly<{ subject: string; role: CallerRole; units: readonly string[] }>;

/** What every use case receives besides its input. */
export type RequestContext = Readonly<{ caller: Caller; correlationId: string; idempotencyScope?: string }>;

export const actorOf = (caller: Caller): Actor => ({
  subject: caller.subject,
  role: caller.role,
  units: caller.units,
});

export const commandContextOf = (ctx: RequestContext): CommandContext => ({
  actor: ctx.caller.subject,
  role: ctx.caller.role,
  correlationId: ctx.correlationId,
  ...(ctx.idempotencyScope ? { idempotencyScope: ctx.idempotencyScope } : {}),
});

/** Reads: the reform office and admins see everything; clerks and supervisors their own units' dossiers. */
export function assertCanRead(caller: Caller, unitIds: readonly string[]): void {
  if (caller.role === 'admin' || caller.role === 'reform-office') return;
  if (!unitIds.some((u) => caller.units.includes(u))) {
    throw new DomainError('NOT_YOUR_UNIT', 'forbidden', 'this dossier belongs to a unit you do not serve');
  }
}

/** Writes to dossiers: clerks and supervisors of the dossier's unit (and admins); never the reform office. */
export function assertCanWrite(caller: Caller, unitIds: readonly string[]): void {
  if (caller.role === 'admin') return;
  if (caller.role === 'reform-office') {
    throw new DomainError('READ_ONLY_ROLE', 'forbidden', 'the reform office reads dossiers and writes none');
  }
  if (!unitIds.some((u) => caller.units.includes(u))) {
    throw new DomainError('NOT_YOUR_UNIT', 'forbidden', 'this dossier belongs to a unit you do not serve');
  }
}
