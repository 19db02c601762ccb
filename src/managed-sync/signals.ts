// Node 20's AbortSignal.any() keeps every composite signal alive for as long as its longest-lived
// source (nodejs/node#54614, #55351): combining a run-wide signal with a per-request timeout on
// every request leaks. These helpers link signals by hand and unlink them when a request is done.

/** Makes `controller` abort when `parent` does; returns the function that undoes the link. */
export function linkAbort(parent: AbortSignal | undefined, controller: AbortController): () => void {
  if (!parent) return () => undefined;
  if (parent.aborted) {
    controller.abort(parent.reason);
    return () => undefined;
  }
  const onAbort = () => controller.abort(parent.reason);
  parent.addEventListener("abort", onAbort, { once: true });
  return () => parent.removeEventListener("abort", onAbort);
}

/**
 * `work`, or the signal's reason as soon as the signal fires, whichever comes first: for waits on
 * something the signal cannot cancel (a request shared by several callers, a client without a
 * per-call signal). The work is left to finish unread.
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

// setTimeout fires at once for delays past 2^31-1 ms.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** One attempt's signal: aborts when the caller's signal does or when `timeoutMs` passes. Dispose it when the attempt is over. */
export class Deadline {
  readonly signal: AbortSignal;
  private expired = false;
  private readonly timer: NodeJS.Timeout;
  private readonly unlink: () => void;

  constructor(parent: AbortSignal | undefined, timeoutMs: number) {
    const controller = new AbortController();
    this.signal = controller.signal;
    this.unlink = linkAbort(parent, controller);
    this.timer = setTimeout(
      () => {
        this.expired = true;
        controller.abort(new DOMException(`timed out after ${timeoutMs} ms`, "TimeoutError"));
      },
      Math.min(timeoutMs, MAX_TIMER_MS),
    );
    // Like AbortSignal.timeout: a pending deadline alone does not keep the process alive.
    this.timer.unref();
  }

  /** True when the timeout (not the caller) ended the attempt. */
  get timedOut(): boolean {
    return this.expired;
  }

  /** Stops the timer and lets go of the caller's signal. Safe to call more than once. */
  dispose(): void {
    clearTimeout(this.timer);
    this.unlink();
  }
}
