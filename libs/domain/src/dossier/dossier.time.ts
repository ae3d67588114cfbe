// Instants as the dossier rules use them: compared as epoch ms (offsets differ between writers), written
// back as ISO with +07:00 (Asia/Ho_Chi_Minh has no DST). Parsing a given string is pure; no clock is read.
import type { Instant } from '../calendar';
import { dossierError } from './dossier.errors';

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Epoch ms of an ISO instant with offset; refuses anything else (a zone-less time is ambiguous). */
export function instantMs(instant: Instant, field = 'occurredAt'): number {
  const ms = typeof instant === 'string' && ISO_WITH_OFFSET.test(instant) ? Date.parse(instant) : NaN;
  if (!Number.isFinite(ms)) {
    throw dossierError('INVALID_INSTANT', `${field} must be an ISO-8601 instant with an offset`, {
      field,
      value: instant,
    });
  }
  return ms;
}

const VN_OFFSET_MS = 7 * 3_600_000;
const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** ms → `YYYY-MM-DDTHH:mm:ss.SSS+07:00` (the calendar's format). */
export function instantFromMs(ms: number): Instant {
  const local = new Date(ms + VN_OFFSET_MS);
  return (
    `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}` +
    `.${pad(local.getUTCMilliseconds(), 3)}` +
    '+07:00'
  );
}
