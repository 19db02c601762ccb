import { Deadline } from "../managed-sync/index.js";
import { ChatTimeoutError } from "./errors.js";

/**
 * A signal that fires when the request is aborted (the client went away) or after `timeoutMs`,
 * then with a `ChatTimeoutError` as its reason. Built on managed-sync's `Deadline`, which links
 * the request's signal by hand rather than with `AbortSignal.any` (that leaks listeners on Node 20).
 */
export function requestDeadline(
  parent: AbortSignal | undefined,
  timeoutMs: number,
): { signal: AbortSignal; dispose(): void } {
  const deadline = new Deadline(parent, timeoutMs);
  const controller = new AbortController();
  // Deadline aborts with a DOMException on timeout; callers expect a ChatTimeoutError.
  const onAbort = () =>
    controller.abort(deadline.timedOut ? new ChatTimeoutError(timeoutMs) : deadline.signal.reason);
  if (deadline.signal.aborted) onAbort();
  else deadline.signal.addEventListener("abort", onAbort, { once: true });
  return {
    signal: controller.signal,
    dispose() {
      deadline.dispose();
      deadline.signal.removeEventListener("abort", onAbort);
    },
  };
}
