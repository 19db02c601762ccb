import { MAX_BATCH_SIZE } from "@modelcontextprotocol/sdk/server/requestBody.js";
import { readBodyLimited } from "../http/index.js";
import { rpcError } from "./rpc-error.js";

/** A POST's JSON-RPC payload (one message or a batch, not yet validated), or the response refusing it. */
export type JsonRpcBody = { ok: true; value: unknown } | { ok: false; response: Response };

/**
 * Reads a POST's body as the chat endpoints do: at most `maxBytes`, stopped when `signal` fires
 * (the client went away, or the body's deadline passed: it throws the signal's reason). Read here rather than by the SDK's transport, whose own bound (4 MiB in the pinned version)
 * is 16 times the chat's and whose 413 does not say what to do; the transport is handed the
 * parsed body. The parse error and the batch bound are the SDK's own (-32700, -32600), in words
 * that say what to send.
 */
export async function readJsonRpcBody(
  request: Request,
  maxBytes: number,
  signal: AbortSignal,
): Promise<JsonRpcBody> {
  const text = await readBodyLimited(request, maxBytes, signal);
  if (text === undefined) {
    return {
      ok: false,
      response: rpcError(
        413,
        `the body is over ${maxBytes} bytes: send one JSON-RPC message, or a smaller batch (a search query is at most 4,000 characters)`,
        { code: "BODY_TOO_LARGE" },
      ),
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      response: rpcError(
        400,
        `Parse error: the body is not valid JSON (${(error as Error).message}): send a JSON-RPC message`,
        { code: "BAD_JSON", rpcCode: -32700 },
      ),
    };
  }
  // The SDK's own bound, checked before Clearance looks through the messages for calls and
  // cancellations: a body of 100,000 tiny array items took over a second of CPU to look through.
  if (Array.isArray(value) && value.length > MAX_BATCH_SIZE) {
    return {
      ok: false,
      response: rpcError(
        400,
        `the batch holds ${value.length} messages: send at most ${MAX_BATCH_SIZE} in one POST`,
        { code: "BATCH_TOO_LARGE", rpcCode: -32600 },
      ),
    };
  }
  return { ok: true, value };
}
