/**
 * The commands benchmark's workload, shared by its runs: the dossier lives it sends over HTTP (`lifeOf`), and
 * the runner (`commandRunner`) with which the floor and the bare HTTP server take a request straight to
 * handleCommand as the API's handlers do.
 */
import type { EventStoreDBClient } from '@eventstore/db-client';
import { StreamStateCache, handleCommand } from '@tracker/application';
import {
  defaultVietnamCalendar,
  dossierDecider,
  dossierStreamName,
  type DossierCommand,
  type DossierState,
  type ProcedureSnapshot,
  type WorkingCalendar,
} from '@tracker/domain';
import { EsdbEventStore } from '@tracker/infrastructure';

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
function commandOf(
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
 * Runs a request of `lifeOf` as its command through `client`, as the API's handlers do: handleCommand with the
 * states of recently written dossiers (a step decides without reading its dossier back), and a new dossier
 * decided on the empty state. Resolves with the dossier's code.
 */
export function commandRunner(
  client: EventStoreDBClient,
): (step: Pick<Step, 'path' | 'body'>) => Promise<string> {
  const store = new EsdbEventStore(client);
  const calendar = defaultVietnamCalendar();
  const states = new StreamStateCache<DossierState>(10_000);
  return async (step) => {
    const { code, command } = commandOf(step, calendar, new Date().toISOString());
    await handleCommand(
      store,
      dossierStreamName(code),
      dossierDecider,
      command,
      { actor: 'bench', correlationId: code },
      { cache: states, expectNew: command.type === 'ReceiveDossier' },
    );
    return code;
  };
}
