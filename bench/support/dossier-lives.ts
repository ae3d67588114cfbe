/**
 * The commands benchmark's workload, shared by its runs: the dossier lives it sends over HTTP (`lifeOf`), and
 * the command each request stands for (`commandOf`), which the floor and the bare HTTP server hand straight to
 * handleCommand as the API's handlers do.
 */
import { StreamStateCache, handleCommand, type EventStore } from '@tracker/application';
import {
  dossierDecider,
  dossierStreamName,
  type DossierCommand,
  type DossierState,
  type ProcedureSnapshot,
  type WorkingCalendar,
} from '@tracker/domain';

export const TOKEN = 'bench-admin-token-0000000000000';
export const UNITS = Array.from({ length: 20 }, (_, i) => `U${String(i + 1).padStart(2, '0')}`);
export const PROCEDURE: ProcedureSnapshot & { units: string[] } = {
  name: 'Thủ tục mẫu',
  units: UNITS,
  timeLimit: { value: 10, unit: 'working-days' },
  onlineLevel: 'full',
  feeRequired: true,
  requiresWrittenResult: true,
};

export type Step = { method: 'POST'; path: string; body: Record<string, unknown> };

/** The life of dossier n: five requests, each a function of the dossier's code. */
export function lifeOf(run: string, n: number): Step[] {
  const code = `B${run}-${n}`;
  const unitId = UNITS[n % UNITS.length];
  const day = 3 + (n % 20);
  const at = (h: number) =>
    `2025-03-${String(day).padStart(2, '0')}T${String(h).padStart(2, '0')}:00:00+07:00`;
  return [
    {
      method: 'POST',
      path: '/api/dossiers',
      body: {
        code,
        unitId,
        procedureCode: 'P1',
        channel: 'online',
        onlineLevel: 'full',
        receivedAt: at(8),
        feeAmount: 50000,
      },
    },
    {
      method: 'POST',
      path: `/api/dossiers/${code}/events`,
      body: { type: 'input-digitized', occurredAt: at(9), reused: n % 3 === 0 },
    },
    {
      method: 'POST',
      path: `/api/dossiers/${code}/events`,
      body: { type: 'processed', occurredAt: at(14), outcome: 'approved' },
    },
    {
      method: 'POST',
      path: `/api/dossiers/${code}/events`,
      body: { type: 'result-returned', occurredAt: at(15) },
    },
    { method: 'POST', path: `/api/dossiers/${code}/events`, body: { type: 'synced', occurredAt: at(16) } },
  ];
}

/** The command a request of `lifeOf` stands for, decided as the API's handlers decide it. */
export function commandOf(
  step: Pick<Step, 'path' | 'body'>,
  calendar: WorkingCalendar,
  now: string,
): { code: string; command: DossierCommand } {
  const actor = { subject: 'bench', role: 'clerk' as const };
  const b = step.body;
  if (step.path === '/api/dossiers') {
    const { units: _units, ...procedure } = PROCEDURE;
    const code = b.code as string;
    return {
      code,
      command: {
        type: 'ReceiveDossier',
        data: {
          code,
          unitId: b.unitId as string,
          procedureCode: 'P1',
          procedure,
          channel: 'online',
          onlineLevel: 'full',
          receivedAt: b.receivedAt as string,
          feeAmount: 50000,
          calendar,
          calendarVersion: '',
          occurredAt: b.receivedAt as string,
          now,
          actor,
        },
      },
    };
  }
  const code = step.path.slice('/api/dossiers/'.length, -'/events'.length);
  const occurredAt = b.occurredAt as string;
  const command: DossierCommand =
    b.type === 'input-digitized'
      ? { type: 'RecordInputDigitized', data: { occurredAt, now, actor, reused: b.reused as boolean } }
      : b.type === 'processed'
        ? { type: 'RecordProcessing', data: { occurredAt, now, actor, outcome: 'approved' } }
        : b.type === 'result-returned'
          ? { type: 'ReturnResult', data: { occurredAt, now, actor } }
          : { type: 'RecordSync', data: { occurredAt, now, actor } };
  return { code, command };
}

/**
 * handleCommand as the API's handlers call it: with the states of recently written dossiers (a step decides
 * without reading its dossier back), and a new dossier decided on the empty state.
 */
export function runCommand(
  store: EventStore,
  states: StreamStateCache<DossierState>,
  code: string,
  command: DossierCommand,
): Promise<unknown> {
  return handleCommand(
    store,
    dossierStreamName(code),
    dossierDecider,
    command,
    { actor: 'bench', correlationId: code },
    { cache: states, expectNew: command.type === 'ReceiveDossier' },
  );
}
