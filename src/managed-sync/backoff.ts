/** How failed requests are retried: exponential backoff with full jitter, capped. */
export interface RetryPolicy {
  /** Retries after the first attempt (default 4). */
  retries: number;
  /** Upper bound of the first backoff (default 200 ms); doubles per attempt. */
  baseDelayMs: number;
  /** Cap on one backoff (default 10 s). */
  maxDelayMs: number;
  /** A `Retry-After` longer than this is not waited for: the error is raised with `retryAfterMs` (default 60 s). */
  maxRetryAfterMs: number;
}

/** 4 retries, 200 ms doubling up to 10 s, Retry-After honoured up to 60 s. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 4,
  baseDelayMs: 200,
  maxDelayMs: 10_000,
  maxRetryAfterMs: 60_000,
};

/**
 * The wait before retry number `attempt + 1`: the server's `Retry-After` when given, otherwise
 * "full jitter" (uniform in [0, min(max, base·2^attempt)]) so many clients do not retry in lockstep.
 */
export function backoffDelayMs(
  policy: RetryPolicy,
  attempt: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined) return retryAfterMs;
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

/** Reads `Retry-After` (delta seconds or an HTTP-date) as milliseconds from `nowMs`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  // An HTTP-date has a weekday and month name; anything else (e.g. "-5") is not a date V8 should guess at.
  if (!/[a-z]{3}/i.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}
