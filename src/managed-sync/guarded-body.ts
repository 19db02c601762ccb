import { BodyIncompleteError, ContentTooLargeError } from "./errors.js";
import { aborted, timedOut } from "./http-errors.js";

/** What a guarded body needs to know to raise the right error. */
export interface BodyGuard {
  endpoint: string;
  /** Bytes beyond this raise `ContentTooLargeError`. */
  maxBytes: number;
  /** The announced `Content-Length`; fewer bytes than this raise `BodyIncompleteError`. */
  expectedBytes: number | undefined;
  /** The caller's signal: when it fired, errors become `ManagedSyncAbortedError`. */
  callerSignal: AbortSignal | undefined;
  /** The attempt's signal (caller + timeout): when only it fired, errors become `ManagedSyncTimeoutError`. */
  attemptSignal: AbortSignal;
  timeoutMs: number;
  requestId: string | undefined;
  /** Called once when the body is finished (read to the end, failed or cancelled). */
  release?: () => void;
}

/**
 * Wraps a response body so that it errors with typed Clearance errors: `ContentTooLargeError` past
 * `maxBytes`, `BodyIncompleteError` when the connection drops or fewer bytes than announced arrive,
 * `ManagedSyncTimeoutError` / `ManagedSyncAbortedError` when a signal cut it short.
 */
export function guardBody(
  source: ReadableStream<Uint8Array> | null,
  guard: BodyGuard,
): ReadableStream<Uint8Array> {
  const reader = source?.getReader();
  let received = 0;
  const context = { endpoint: guard.endpoint, requestId: guard.requestId };
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    guard.release?.();
  };
  const fail = (controller: ReadableStreamDefaultController<Uint8Array>, error: Error) => {
    controller.error(error);
    release();
  };

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!reader) {
        controller.close();
        release();
        return;
      }
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (cause) {
        fail(controller, readFailure(guard, received, cause));
        return;
      }
      if (chunk.done) {
        if (guard.expectedBytes !== undefined && received < guard.expectedBytes) {
          fail(
            controller,
            new BodyIncompleteError(
              `${guard.endpoint}: received ${received} of ${guard.expectedBytes} bytes before the body ended; retry the download`,
              { ...context, receivedBytes: received, expectedBytes: guard.expectedBytes },
            ),
          );
        } else {
          controller.close();
          release();
        }
        return;
      }
      received += chunk.value.byteLength;
      if (received > guard.maxBytes) {
        await reader.cancel().catch(() => undefined);
        fail(controller, tooLarge(guard, received));
        return;
      }
      controller.enqueue(chunk.value);
    },
    async cancel(reason) {
      try {
        await reader?.cancel(reason);
      } finally {
        release();
      }
    },
  });
}

/** The error for content larger than allowed; `sizeBytes` is the announced or observed size. */
export function tooLarge(guard: Pick<BodyGuard, "endpoint" | "maxBytes" | "requestId">, sizeBytes: number) {
  return new ContentTooLargeError(
    `${guard.endpoint}: the content is larger than maxBytes (${sizeBytes} > ${guard.maxBytes} bytes): skip this record or raise maxBytes`,
    { endpoint: guard.endpoint, requestId: guard.requestId, maxBytes: guard.maxBytes, sizeBytes },
  );
}

function readFailure(guard: BodyGuard, received: number, cause: unknown): Error {
  if (guard.callerSignal?.aborted) return aborted(guard, cause);
  if (guard.attemptSignal.aborted) return timedOut(guard, guard.timeoutMs, cause);
  return new BodyIncompleteError(
    `${guard.endpoint}: the connection dropped after ${received} bytes${
      guard.expectedBytes === undefined ? "" : ` of ${guard.expectedBytes}`
    }; retry the download`,
    {
      endpoint: guard.endpoint,
      requestId: guard.requestId,
      receivedBytes: received,
      ...(guard.expectedBytes === undefined ? {} : { expectedBytes: guard.expectedBytes }),
      cause,
    },
  );
}
