import { readBodyLimited } from "../http/index.js";
import { rpcError } from "./rpc-error.js";

/** A POST's JSON-RPC payload (one message or a batch, not yet validated), or the response refusing it. */
export type JsonRpcBody = { ok: true; value: unknown } | { ok: false; response: Response };

/**
 * Reads a POST's body as the chat endpoints do: at most `maxBytes`, stopped when the client goes
 * away. Read here rather than by the SDK's transport, whose own bound (4 MiB in the pinned version)
 * is 16 times the chat's and whose 413 does not say what to do; the transport is handed the
 * parsed body. The parse error is the SDK's own (-32700), in words that say what to send.
 */
export async function readJsonRpcBody(request: Request, maxBytes: number): Promise<JsonRpcBody> {
  const text = await readBodyLimited(request, maxBytes, request.signal);
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
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
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
}
