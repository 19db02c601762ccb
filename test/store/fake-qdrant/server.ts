import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { FakeCollections } from "./collections.js";
import { formatError, notModelled, QdrantFakeError } from "./errors.js";
import { FakePoints } from "./points.js";

export interface FakeQdrantOptions {
  /**
   * Refuse filters on unindexed payload keys, as a collection in strict mode does (Qdrant Cloud's
   * default). Default true: what passes strict mode passes without it.
   */
  strictMode?: boolean;
  /** Require this `api-key` header, answering 401 without it. */
  apiKey?: string;
}

export interface FakeQdrant {
  url: string;
  /** Every request answered, as `METHOD /path` (tests look at what the adapter sent). */
  requests: string[];
  close(): Promise<void>;
}

type Body = Record<string, unknown>;
type Route = (name: string, body: Body, query: URLSearchParams) => unknown;

/**
 * A FAKE Qdrant: an in-memory HTTP server on loopback that answers the subset of Qdrant's REST API
 * the Clearance adapter (src/store/qdrant) calls, with Qdrant's semantics — collections, payload
 * indexes (recorded, otherwise no-ops), upsert (conditional too), retrieve, delete and payload
 * updates by ids or filter, scroll, count, and nearest-vector query — and Qdrant's filter
 * language as far as used (filter.ts). Answers come in Qdrant's envelope `{ result, status, time }`,
 * errors as `{ status: { error }, time }` with Qdrant's HTTP status and message. Anything it does
 * not model is refused with 501, never ignored. Test-only: it is not Qdrant and proves nothing
 * about HNSW recall, persistence, clustering or concurrency beyond one request at a time.
 */
export async function startFakeQdrant(options: FakeQdrantOptions = {}): Promise<FakeQdrant> {
  const collections = new FakeCollections(options.strictMode ?? true);
  let operation = 0;
  const points = (name: string) => new FakePoints(collections.get(name), ++operation);
  // An update answers its operation id; `wait=false` gets "acknowledged" (applied at once anyway).
  const updated = (query: URLSearchParams) => ({
    operation_id: operation,
    status: query.get("wait") === "false" ? "acknowledged" : "completed",
  });
  const write =
    (apply: (on: FakePoints, body: Body) => void): Route =>
    (name, body, query) => {
      apply(points(name), body);
      return updated(query);
    };
  const routes: Record<string, Route> = {
    "GET /collections/:name": (name) => collections.get(name).info(),
    "PUT /collections/:name": (name, body) => collections.create(name, body),
    "DELETE /collections/:name": (name) => collections.delete(name),
    "GET /collections/:name/exists": (name) => ({ exists: collections.exists(name) }),
    "PUT /collections/:name/index": (name, body, query) => {
      collections.get(name).createIndex(body);
      return updated(query);
    },
    "PUT /collections/:name/points": write((on, body) => on.upsert(body)),
    "POST /collections/:name/points": (name, body) => points(name).retrieve(body),
    "POST /collections/:name/points/delete": write((on, body) => on.delete(body)),
    "POST /collections/:name/points/payload": write((on, body) => on.setPayload(body, false)),
    "PUT /collections/:name/points/payload": write((on, body) => on.setPayload(body, true)),
    "POST /collections/:name/points/payload/delete": write((on, body) => on.deletePayload(body)),
    "POST /collections/:name/points/scroll": (name, body) => points(name).scroll(body),
    "POST /collections/:name/points/count": (name, body) => points(name).count(body),
    "POST /collections/:name/points/query": (name, body) => points(name).query(body),
  };

  const requests: string[] = [];
  const server = createServer((req, res) => {
    const started = performance.now();
    readBody(req)
      .then((raw) => {
        const url = new URL(req.url ?? "/", "http://fake");
        requests.push(`${req.method} ${url.pathname}`);
        if (options.apiKey !== undefined && req.headers["api-key"] !== options.apiKey) {
          throw new QdrantFakeError(401, "Must provide an API key or an Authorization bearer token");
        }
        const { route, name } = routeOf(routes, req.method ?? "", url.pathname);
        return route(name, parseBody(raw), url.searchParams);
      })
      .then(
        (result) => send(res, 200, { result, status: "ok", time: elapsed(started) }),
        (error: unknown) => {
          const status = error instanceof QdrantFakeError ? error.status : 500;
          const message = error instanceof Error ? error.message : String(error);
          send(res, status, { status: { error: message }, time: elapsed(started) });
        },
      );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function routeOf(
  routes: Record<string, Route>,
  method: string,
  path: string,
): { route: Route; name: string } {
  const parts = path.split("/");
  // /collections/{name}[/rest]: the name is the third segment (Qdrant names hold no slash).
  if (parts[1] === "collections" && parts[2]) {
    const pattern = [method, ["", "collections", ":name", ...parts.slice(3)].join("/")].join(" ");
    const route = routes[pattern];
    if (route) return { route, name: decodeURIComponent(parts[2]) };
  }
  throw notModelled(`the route ${method} ${path}`);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function parseBody(raw: string): Body {
  if (raw.trim() === "") return {};
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch (cause) {
    throw formatError((cause as Error).message);
  }
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw formatError("expected an object");
  return body as Body;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function elapsed(started: number): number {
  return (performance.now() - started) / 1000;
}
