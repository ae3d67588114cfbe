import type { Actor } from '@tracker/domain';
import type { CommandContext } from '../command-handling/handle-command';

export type CallerRole = 'clerk' | 'supervisor' | 'reform-office' | 'admin';

/** The authenticated caller of a use case, as the tokens file describes them. What they may do is the
 * access policy's answer (libs/domain/src/access/access.policy.ts). */
export type Caller = Readonly<{ subject: string; role: CallerRole; units: readonly string[] }>;

/** What every use case receives besides its input. */
export type RequestContext = Readonly<{ caller: Caller; correlationId: string; idempotencyScope?: string }>;

export const actorOf = (caller: Caller): Actor => ({
  subject: caller.subject,
  role: caller.role,
  units: caller.units,
});

/** The command a caller's input becomes: stamped with the instant it is recorded, the caller as its actor. */
export const commandOf = <T extends string, I extends object>(
  type: T,
  input: I,
  now: Date,
  ctx: RequestContext,
) => ({ type, data: { ...input, now: now.toISOString(), actor: actorOf(ctx.caller) } });

export const commandContextOf = (ctx: RequestContext): CommandContext => ({
  actor: ctx.caller.subject,
  role: ctx.caller.role,
  correlationId: ctx.correlationId,
  ...(ctx.idempotencyScope ? { idempotencyScope: ctx.idempotencyScope } : {}),
});
