import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, EventStore } from '../ports/event-store.port';
import { eventId } from '../command-handling/event-ids';

/**
 * Generated dossier codes, `{unitCode}-{yymmdd}-{seq4}`. The sequence is the revision of a per-unit, per-day
 * stream: the event store serialises appends, so two clerks never draw the same number, and a retry with
 * the same Idempotency-Key re-appends the same event id and gets the same number back.
 */
@Injectable()
export class DossierCodeAllocator {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async next(
    unitId: string,
    receivedAt: string,
    idempotencyScope: string | undefined,
    attempt = 0,
  ): Promise<string> {
    const day = localDay(receivedAt);
    const stream = `dossiercode-${unitId}-${day}`;
    const { nextExpectedRevision } = await this.store.appendToStream(
      stream,
      [
        {
          id: eventId(idempotencyScope && `${idempotencyScope}#${attempt}`, stream, 0),
          event: { type: 'DossierCodeIssued', data: { unitId, day } },
          metadata: { actor: 'system', correlationId: idempotencyScope ?? 'code', causationId: 'code' },
        },
      ],
      'any',
    );
    return `${unitId}-${day}-${String(nextExpectedRevision + 1n).padStart(4, '0')}`;
  }
}

/** yymmdd of an instant in Asia/Ho_Chi_Minh. */
function localDay(instant: string): string {
  const d = new Date(new Date(instant).getTime() + 7 * 3600_000);
  const yy = String(d.getUTCFullYear() % 100).padStart(2, '0');
  const mm = String(d.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(d.getUTCDate()).padStart(2, '0');
  return `${yy}${mm}${dd}`;
}
