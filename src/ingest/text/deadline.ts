import { ExtractError, messageOf } from "./errors.js";

/**
 * Settles with `work`, or rejects with the signal's reason as soon as it aborts, whichever comes
 * first. The work itself is not stopped (parsers that can stop listen to the signal themselves).
 */
export function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/**
 * Runs one extraction under its own signal, aborted by the caller's signal or after `timeoutMs`.
 * The caller's abort is rethrown as is (the run is stopping); running out of time is a TIMEOUT for
 * this file; anything else a parser throws is this file's MALFORMED.
 */
export async function withDeadline<T>(
  timeoutMs: number,
  callerSignal: AbortSignal | undefined,
  name: string,
  work: (signal: AbortSignal) => T | Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const onCallerAbort = () => controller.abort(callerSignal?.reason);
  callerSignal?.addEventListener("abort", onCallerAbort, { once: true });
  if (callerSignal?.aborted) onCallerAbort();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`timed out after ${timeoutMs} ms`));
  }, timeoutMs);
  try {
    return await abortable(
      Promise.resolve().then(() => work(controller.signal)),
      controller.signal,
    );
  } catch (cause) {
    if (callerSignal?.aborted) throw callerSignal.reason;
    if (timedOut) {
      throw new ExtractError(
        "TIMEOUT",
        `${name} took longer than ${timeoutMs} ms to read (raise timeoutMs if the file is genuine)`,
        { cause },
      );
    }
    if (cause instanceof ExtractError) throw cause;
    throw new ExtractError("MALFORMED", `${name} could not be read (${messageOf(cause)})`, { cause });
  } finally {
    clearTimeout(timer);
    callerSignal?.removeEventListener("abort", onCallerAbort);
  }
}
