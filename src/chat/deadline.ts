import { ChatTimeoutError } from "./errors.js";

/**
 * A signal that fires when the request is aborted (the client went away) or after `timeoutMs`.
 * Linked by hand rather than with `AbortSignal.any`, which leaks listeners on Node 20.
 */
export function requestDeadline(
  parent: AbortSignal | undefined,
  timeoutMs: number,
): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onAbort = () => controller.abort(parent?.reason);
  if (parent?.aborted) controller.abort(parent.reason);
  else parent?.addEventListener("abort", onAbort, { once: true });
  const timer = setTimeout(() => controller.abort(new ChatTimeoutError(timeoutMs)), timeoutMs);
  timer.unref?.();
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(timer);
      parent?.removeEventListener("abort", onAbort);
    },
  };
}
