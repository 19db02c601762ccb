import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** A request the loopback server saw, body already read. */
export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: string;
  json: unknown;
  at: number;
}

export type Handler = (request: SeenRequest, res: ServerResponse) => void | Promise<void>;

/** A real HTTP server on 127.0.0.1, port 0, that records every request and runs `handler`. */
export interface Loopback {
  url: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

/** Starts a loopback server; close it in `afterEach`/`finally` (open sockets are destroyed). */
export async function startLoopback(handler: Handler): Promise<Loopback> {
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://loopback");
    let json: unknown;
    try {
      json = body === "" ? undefined : JSON.parse(body);
    } catch {
      json = undefined;
    }
    const seen: SeenRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      json,
      at: Date.now(),
    };
    requests.push(seen);
    try {
      await handler(seen, res);
    } catch (error) {
      if (!res.headersSent) sendJson(res, 500, { message: String(error) });
      else res.destroy();
    }
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Answers with a JSON body and a Content-Length. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Announces the full Content-Length, sends only the first `sentBytes`, then drops the connection. */
export function sendCutOff(
  res: ServerResponse,
  status: number,
  text: string,
  sentBytes: number,
  contentType = "application/json",
): void {
  const bytes = Buffer.from(text, "utf8");
  res.writeHead(status, { "content-type": contentType, "content-length": bytes.byteLength });
  res.write(bytes.subarray(0, sentBytes), () => {
    // Give the bytes a moment on the wire so the client sees a partial body, not a refused one.
    setTimeout(() => res.socket?.destroy(), 10);
  });
}

/** Resolves after `ms`, for scripted slow responses. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs `faults[n]` for the n-th request (0-based) that reaches it, and `handler` otherwise: a way
 * to script "429 then fine", "cut off once", "slow twice" without touching the handler.
 */
export function withFaults(handler: Handler, faults: Record<number, Handler>): Handler {
  let count = 0;
  return (request, res) => {
    const fault = faults[count++];
    return fault ? fault(request, res) : handler(request, res);
  };
}
