import { ResponseTooLargeError } from "./errors.js";

/**
 * The largest JSON body read from the API. A page of records or a permissions answer is far
 * smaller; a body past this is a server or proxy misbehaving, and buffering it whole would take
 * the process's memory with it.
 */
export const MAX_JSON_BODY_BYTES = 64 * 1024 * 1024;

/** How much of an error body is read: its message is kept (cut to 300 characters), the rest is not wanted. */
export const MAX_ERROR_BODY_BYTES = 8 * 1024;

/** A body read up to a limit: its text, and whether more was there (announced or sent) than the limit. */
export interface CappedText {
  text: string;
  over: boolean;
  /** Bytes announced (`Content-Length`) or seen when the limit was crossed. */
  sizeBytes: number;
}

/**
 * Reads a response body as UTF-8 text, at most `maxBytes` of it: a body announced or found to be
 * longer is cancelled there (its connection is not drained) and `over` says so. Read failures
 * (a dropped connection, the attempt's deadline) are thrown as they come, for the caller to type.
 */
export async function readCappedText(response: Response, maxBytes: number): Promise<CappedText> {
  const announced = Number(response.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(announced) && announced > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    return { text: "", over: true, sizeBytes: announced };
  }
  const reader = response.body?.getReader();
  if (!reader) return { text: "", over: false, sizeBytes: 0 };
  const decoder = new TextDecoder();
  const parts: string[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > maxBytes) {
      const keep = value.subarray(0, value.byteLength - (received - maxBytes));
      parts.push(decoder.decode(keep));
      await reader.cancel().catch(() => undefined);
      return { text: parts.join(""), over: true, sizeBytes: received };
    }
    parts.push(decoder.decode(value, { stream: true }));
  }
  parts.push(decoder.decode());
  return { text: parts.join(""), over: false, sizeBytes: received };
}

/** Reads a JSON response's text, raising `ResponseTooLargeError` past {@link MAX_JSON_BODY_BYTES}. */
export async function readJsonText(
  response: Response,
  origin: { endpoint: string; requestId: string | undefined },
  maxBytes = MAX_JSON_BODY_BYTES,
): Promise<string> {
  const body = await readCappedText(response, maxBytes);
  if (!body.over) return body.text;
  const id = origin.requestId ? ` [request id ${origin.requestId}]` : "";
  throw new ResponseTooLargeError(
    `${origin.endpoint} sent a response body over ${maxBytes} bytes (${body.sizeBytes} announced or read before it was cut off)${id}; no page of the Managed Sync API is that large, so the server or a proxy in between is misbehaving: check that PARAGON_SYNC_URL (the client's baseUrl) points at the Managed Sync API, and report it with the request id if it does`,
    {
      endpoint: origin.endpoint,
      status: response.status,
      requestId: origin.requestId,
      maxBytes,
      sizeBytes: body.sizeBytes,
    },
  );
}
