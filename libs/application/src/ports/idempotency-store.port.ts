export const IDEMPOTENCY_STORE = Symbol('IDEMPOTENCY_STORE');

export type StoredResponse = Readonly<{ status: number; body: unknown }>;

export type IdempotencyClaim =
  | { readonly outcome: 'claimed' }
  | { readonly outcome: 'replay'; readonly response: StoredResponse }
  | { readonly outcome: 'mismatch' }
  | { readonly outcome: 'in-progress' };

/** Remembers the first answer to each (caller, Idempotency-Key), with the hash of the request it answered. */
export interface IdempotencyStore {
  claim(scope: string, requestHash: string): Promise<IdempotencyClaim>;
  complete(scope: string, requestHash: string, response: StoredResponse): Promise<void>;
  /** Frees a claim whose request failed (refusals are not remembered), unless an answer was recorded. */
  release(scope: string, requestHash: string): Promise<void>;
}
