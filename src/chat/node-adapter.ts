import { once } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import type { TLSSocket } from "node:tls";

/** Any Web-standard handler, such as the one `createChatHandler` returns. */
export type FetchHandler = (request: Request) => Promise<Response> | Response;

/** A Node `http` / Express / Connect handler; errors go to `next` when there is one. */
export type NodeHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  next?: (error?: unknown) => void,
) => Promise<void>;

/**
 * Serves a Web-standard handler from Node's `http` server, Express or Connect: the request body and
 * the response body stream through (Server-Sent Events included), and the client going away aborts
 * the handler's `request.signal`. A body already parsed by `express.json()` is passed on as JSON.
 *
 * @example
 * app.post("/api/chat", toNodeHandler(createChatHandler({ retriever, identify })));
 */
export function toNodeHandler(handler: FetchHandler): NodeHandler {
  return async (req, res, next) => {
    const controller = new AbortController();
    const onClose = () => {
      if (!res.writableFinished) controller.abort(new Error("the client closed the connection"));
    };
    res.once("close", onClose);
    try {
      const response = await handler(toRequest(req, controller.signal));
      await writeResponse(response, res, controller.signal);
    } catch (error) {
      if (next) next(error);
      else if (!res.headersSent) {
        res.statusCode = 500;
        res.setHeader("content-type", "application/json");
        res.end(
          JSON.stringify({ error: { code: "INTERNAL", message: "the handler failed: see the server log" } }),
        );
      } else res.destroy(error as Error);
    } finally {
      res.off("close", onClose);
    }
  };
}

/** `toNodeHandler` under the name Express users look for. */
export const expressAdapter = toNodeHandler;

/** The Web `Request` for a Node request. */
export function toRequest(req: IncomingMessage, signal?: AbortSignal): Request {
  const protocol = (req.socket as TLSSocket | undefined)?.encrypted ? "https" : "http";
  const path = (req as { originalUrl?: string }).originalUrl ?? req.url ?? "/";
  const url = new URL(path, `${protocol}://${req.headers.host ?? "localhost"}`);
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    if (!name.startsWith(":")) headers.append(name, req.rawHeaders[i + 1]!);
  }
  const method = req.method ?? "GET";
  const init: RequestInit & { duplex?: "half" } = { method, headers, ...(signal ? { signal } : {}) };
  if (method !== "GET" && method !== "HEAD") {
    const parsed = (req as { body?: unknown }).body;
    if (parsed !== undefined && req.readableEnded) {
      // A body parser got there first: hand on what it read.
      init.body =
        typeof parsed === "string"
          ? parsed
          : parsed instanceof Uint8Array
            ? new Uint8Array(parsed)
            : JSON.stringify(parsed);
      headers.delete("content-length");
    } else {
      init.body = Readable.toWeb(req) as unknown as ReadableStream<Uint8Array>;
      init.duplex = "half";
    }
  }
  return new Request(url, init);
}

/** Writes a Web `Response` to a Node response, body streamed with backpressure. */
export async function writeResponse(
  response: Response,
  res: ServerResponse,
  signal?: AbortSignal,
): Promise<void> {
  res.statusCode = response.status;
  const cookies = response.headers.getSetCookie();
  for (const [name, value] of response.headers) {
    if (name !== "set-cookie") res.setHeader(name, value);
  }
  if (cookies.length > 0) res.setHeader("set-cookie", cookies);
  if (!response.body) {
    res.end();
    return;
  }
  res.flushHeaders();
  const reader = response.body.getReader();
  const stop = () => void reader.cancel(signal?.reason).catch(() => undefined);
  signal?.addEventListener("abort", stop, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value)) {
        await Promise.race([once(res, "drain"), once(res, "close")]);
        if (res.destroyed) {
          stop();
          return;
        }
      }
    }
    res.end();
  } finally {
    signal?.removeEventListener("abort", stop);
  }
}
