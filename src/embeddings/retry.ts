/** HTTP statuses worth another attempt: timeouts, conflicts, rate limits and server errors. */
const RETRYABLE_STATUS = new Set([408, 409, 425, 429, 500, 502, 503, 504]);

/**
 * Whether an embedding error may pass on retry. Errors with an HTTP status retry only for the
 * statuses above (a bad key or a bad request will not fix itself); errors without one (network,
 * connection reset) do retry. Aborts never do.
 */
export function isRetryable(error: unknown): boolean {
  if (!(error instanceof Error)) return true;
  if (error.name === "AbortError") return false;
  const status =
    (error as { status?: unknown }).status ?? (error as { response?: { status?: unknown } }).response?.status;
  return typeof status === "number" ? RETRYABLE_STATUS.has(status) : true;
}

/** Exponential backoff with full jitter: a random delay up to base × 2^attempt, capped. */
export function backoffMs(attempt: number, baseMs: number, maxMs = 30_000): number {
  return Math.random() * Math.min(maxMs, baseMs * 2 ** attempt);
}

/** Resolves after `ms`, or rejects as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
