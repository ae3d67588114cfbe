export interface WaitForOptions {
  /** Give up after this many milliseconds (default 10 000). */
  timeoutMs?: number;
  /** Pause between probes (default 10 ms). */
  intervalMs?: number;
  /** What is awaited, for the error message. */
  description?: string;
}

/**
 * Polls `probe` until it returns a value other than `false`, `undefined` or `null` without throwing, and
 * returns that value. A probe may be an assertion (`() => expect(x).toBe(y)` returns undefined, so wrap it
 * with `eventually`). Fails with the last error once the deadline passes. Never a fixed sleep: it returns as
 * soon as the condition holds.
 */
export async function waitFor<T>(
  probe: () => T | false | null | undefined | Promise<T | false | null | undefined>,
  options: WaitForOptions = {},
): Promise<T> {
  const { timeoutMs = 10_000, intervalMs = 10, description = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== false && value !== undefined && value !== null) return value;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const why = lastError instanceof Error ? `: ${lastError.message}` : '';
      const error = new Error(`timed out after ${timeoutMs} ms waiting for ${description}${why}`);
      if (lastError !== undefined) (error as Error & { cause?: unknown }).cause = lastError;
      throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Polls an assertion until it passes (or the deadline passes, rethrowing its last failure). */
export async function eventually(
  assertion: () => void | Promise<void>,
  options: WaitForOptions = {},
): Promise<void> {
  await waitFor(
    async () => {
      await assertion();
      return true;
    },
    { description: 'assertion', ...options },
  );
}

/** A promise with its resolve/reject exposed. */
export function deferred<T = void>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
} {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Races a promise against a deadline, so a hung call fails the test with a message instead of a jest timeout. */
export async function within<T>(promise: Promise<T>, timeoutMs: number, description: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${description} did not settle within ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}
