import type { RecordedEvent } from '../ports/event-store.port';

/** One recorded event as a dossier's or a feedback item's history shows it. */
export type HistoryEntry = Readonly<{
  revision: number;
  type: string;
  occurredAt: string | null;
  recordedAt: string;
  actor: string | null;
  role: string | null;
  data: unknown;
}>;

/** A stream's events as its history: each with when it happened and when and by whom it was recorded. */
export const historyOf = (events: readonly RecordedEvent[]): HistoryEntry[] =>
  events.map((r) => ({
    revision: Number(r.revision),
    type: r.event.type,
    occurredAt: (r.event.data as { occurredAt?: string }).occurredAt ?? null,
    recordedAt: r.recordedAt.toISOString(),
    actor: r.metadata.actor ?? null,
    role: r.metadata.role ?? null,
    data: r.event.data,
  }));
