import { listRequestOf } from '../http/list.request.dto';

const STATUSES = [
  'received',
  'awaiting-supplement',
  'processed',
  'returned',
  'stopped',
  'withdrawn',
] as const;

/** `GET /api/dossiers` query string. */
export class ListDossiersRequest extends listRequestOf(STATUSES) {}
