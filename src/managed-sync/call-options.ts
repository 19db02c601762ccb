import { ManagedSyncArgumentError } from "./errors.js";

/** Per-call options every method accepts. */
export interface CallOptions {
  /** Cancels the call (including retries and backoff waits). */
  signal?: AbortSignal;
  /** Overrides the client's per-request timeout for this call. */
  timeoutMs?: number;
}

/** Encodes a path segment, refusing an empty id (which would silently address another endpoint). */
export function pathId(name: string, value: string): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new ManagedSyncArgumentError(
      "INVALID_ARGUMENT",
      `${name} is empty: pass the id returned by the API`,
    );
  }
  return encodeURIComponent(value);
}
