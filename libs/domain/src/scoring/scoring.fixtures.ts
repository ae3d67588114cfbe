// Builders for the scoring specs and the bench (not exported from the library): dossier events with
// local (+07:00) instants, and facts straight from a compact description.
import type { DossierEvent, DossierReceived } from '../dossier/dossier.events';
import { instantFromMs } from '../dossier/dossier.time';
import { evolveFacts, initialFacts, type DossierFacts } from './dossier-facts';
import type { ScorecardUnitInput } from './scorecard.types';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** `YYYY-MM-DDTHH:mm` local time in Asia/Ho_Chi_Minh → epoch ms. */
export const vn = (local: string): number => Date.parse(`${local}:00+07:00`);
export const iso = (ms: number): string => instantFromMs(ms);

export type ReceiptSpec = {
  code: string;
  unitId?: string;
  procedureCode?: string;
  channel?: 'in-person' | 'postal' | 'online';
  receivedAt: number;
  dueAt?: number;
  feeAmount?: number;
  requiresWrittenResult?: boolean;
};

export function received(s: ReceiptSpec): DossierReceived {
  return {
    type: 'DossierReceived',
    data: {
      code: s.code,
      unitId: s.unitId ?? 'U1',
      procedureCode: s.procedureCode ?? 'P1',
      procedure: {
        name: 'Thủ tục',
        timeLimit: { value: 5, unit: 'working-days' },
        onlineLevel: 'full',
        feeRequired: (s.feeAmount ?? 0) > 0,
        requiresWrittenResult: s.requiresWrittenResult ?? true,
      },
      channel: s.channel ?? 'in-person',
      ...(s.channel === 'online' ? { onlineLevel: 'full' as const } : {}),
      receivedAt: iso(s.receivedAt),
      dueAt: iso(s.dueAt ?? s.receivedAt + 5 * DAY),
      feeAmount: s.feeAmount ?? 0,
      calendarVersion: '2024:1',
      occurredAt: iso(s.receivedAt),
    },
  };
}

const ev = <T extends DossierEvent['type']>(type: T, at: number, data: object = {}): DossierEvent =>
  ({ type, data: { occurredAt: iso(at), ...data } }) as DossierEvent;

export const e = {
  supplementRequested: (at: number) => ev('SupplementRequested', at, { reason: 'thiếu giấy tờ' }),
  supplementReceived: (at: number) => ev('SupplementReceived', at),
  processed: (at: number) => ev('DossierProcessed', at, { outcome: 'approved' }),
  returned: (at: number) => ev('ResultReturned', at),
  stopped: (at: number) => ev('DossierStopped', at, { reason: 'x' }),
  withdrawn: (at: number) => ev('DossierWithdrawn', at),
  transferred: (at: number, toUnitId: string) => ev('DossierTransferred', at, { fromUnitId: 'U1', toUnitId }),
  apology: (at: number, newDueAt: number) =>
    ev('ApologyIssued', at, { reason: 'quá tải', newDueAt: iso(newDueAt), signedBy: 'lead' }),
  digitized: (at: number, reused = false, fromPersonalStore = false) =>
    ev('InputDigitized', at, { reused, fromPersonalStore }),
  eResult: (at: number) => ev('ResultIssuedElectronically', at),
  paymentRequested: (at: number, amount: number) => ev('PaymentRequested', at, { amount }),
  paidOnline: (at: number, amount = 10_000) => ev('PaidOnline', at, { amount, gateway: 'national' }),
  paidOffline: (at: number, amount = 10_000) => ev('PaidOffline', at, { amount }),
  rated: (at: number, satisfied: boolean) => ev('SatisfactionRated', at, { satisfied }),
  synced: (at: number) => ev('DossierSynced', at),
  overdue: (at: number) => ev('DossierBecameOverdue', at, { dueAt: iso(at) }),
  correction: (at: number) =>
    ev('CorrectionRecorded', at, { field: 'receivedAt', value: 'x', reason: 'typo', approvedBy: 'lead' }),
};

export const foldFacts = (events: readonly DossierEvent[]): DossierFacts =>
  events.reduce(evolveFacts, initialFacts((events[0]?.data as { code?: string }).code ?? 'X'));

export const UNITS: ScorecardUnitInput[] = [
  { unitId: 'U1', name: 'Sở Tư pháp', level: 'department' },
  { unitId: 'U2', name: 'Sở Xây dựng', level: 'department' },
  { unitId: 'C1', name: 'Phường Hải Châu', level: 'commune' },
];
