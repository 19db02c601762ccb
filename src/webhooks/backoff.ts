/** Exponential backoff with full jitter. */
export interface BackoffPolicy {
  /** Delay before the first retry, in ms (default 500). */
  baseMs?: number;
  /** Upper bound of any delay, in ms (default 60 000). */
  maxMs?: number;
}

/** The delay before retry number `attempt` (1-based): random in [cap/2, cap], cap = base·2^(attempt-1). */
export function backoffDelay(attempt: number, policy: BackoffPolicy = {}, random = Math.random): number {
  const base = policy.baseMs ?? 500;
  const max = policy.maxMs ?? 60_000;
  const cap = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  return Math.round(cap / 2 + random() * (cap / 2));
}
