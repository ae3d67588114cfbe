/** PRODUCT.md's error shape: `{ "error": { "code", "message", "details"? } }`. */
export type ErrorBody = { error: { code: string; message: string; details?: unknown } };

export const errorBody = (code: string, message: string, details?: unknown): ErrorBody => ({
  error: details === undefined ? { code, message } : { code, message, details },
});
