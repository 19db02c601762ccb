import { Hono } from "hono";
import type { FetchHandler } from "../chat/index.js";
import type { Company, Person } from "../demo/index.js";
import { type ChatProtocolRoutes, mountChatProtocols } from "./chat-routes.js";
import { type McpRoutes, mountMcp } from "./mcp-routes.js";
import { loadPublicFiles, PUBLIC_PATHS } from "./public-files.js";

export interface ServerAppOptions extends ChatProtocolRoutes, McpRoutes {
  /** The chat endpoint (`createChatHandler`), mounted at `POST /api/chat`. */
  chat: FetchHandler;
  /** Who the page offers to act as (demo), each in their tenant; served at `GET /api/people`. */
  people?: readonly Person[];
  /** The companies (tenants) the page offers, with their names; default the people's tenants. */
  companies?: readonly Company[];
  /** Suggested questions for the page. */
  questions?: readonly string[];
  /** The headers the page sets to say who is asking (demo identity); absent: the page sends none. */
  identityHeaders?: { tenant: string; user: string };
  /**
   * Extra health details, merged into `GET /health`; throwing makes the status 503, with a generic
   * message (anyone may ask `/health`): the error itself goes to `onError`.
   */
  health?: () => Promise<Record<string, unknown>> | Record<string, unknown>;
  /** Counters shown under `metrics` in `GET /health` (e.g. the webhook receiver's). */
  metrics?: () => object;
  /** The Managed Sync webhook receiver, mounted at `POST /webhooks/managed-sync`. */
  webhook?: FetchHandler;
  /**
   * Told the errors the server answers without their details (a health check or a mounted
   * handler that threw): log them.
   */
  onError?: (error: unknown) => void;
}

const PAGE_HEADERS = {
  "content-security-policy":
    "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

/**
 * The app `clearance serve` runs: `POST /api/chat` (and, when given, `POST /v1/chat/completions` +
 * `GET /v1/models`, `POST /api/ai-sdk/chat`, the MCP endpoint `/mcp`), the chat page at `GET /`, `GET /api/people`
 * (each person with their tenant, and the tenants),
 * `GET /health`, and `POST /webhooks/managed-sync` when a receiver is given.
 *
 * @example
 * const app = createServerApp({ chat: createChatHandler({ retriever, identify }) });
 * serve({ fetch: app.fetch, port: 8787 });
 */
export function createServerApp(options: ServerAppOptions): Hono {
  const app = new Hono();
  const files = loadPublicFiles();
  const started = Date.now();

  for (const path of PUBLIC_PATHS) {
    app.get(path, (c) => {
      const file = files.get(path)!;
      return c.body(file.body, 200, {
        "content-type": file.type,
        "cache-control": "no-cache",
        ...PAGE_HEADERS,
      });
    });
  }

  app.post("/api/chat", (c) => options.chat(c.req.raw));
  mountChatProtocols(app, options);
  mountMcp(app, options);
  const people = options.people ?? [];
  const companies =
    options.companies ??
    [...new Set(people.flatMap((p) => (p.tenant ? [p.tenant] : [])))].map((tenant) => ({ tenant }));
  const tenants = companies.map((c) => c.tenant);
  app.get("/api/people", (c) =>
    c.json({
      tenants,
      companies,
      people,
      questions: options.questions ?? [],
      identity: options.identityHeaders
        ? { header: options.identityHeaders.user, tenantHeader: options.identityHeaders.tenant }
        : null,
    }),
  );
  app.get("/health", async (c) => {
    const base = { uptimeSeconds: Math.round((Date.now() - started) / 1000) };
    const metrics = options.metrics ? { metrics: options.metrics() } : {};
    try {
      const details = (await options.health?.()) ?? {};
      return c.json({ status: "ok", ...base, ...details, ...metrics }, 200, { "cache-control": "no-store" });
    } catch (error) {
      // The check's own words can name paths, hosts or tenants: they are for the log, not for
      // whoever polls /health (a load balancer, or anyone who can reach the port).
      options.onError?.(error);
      const message = "a health check failed: the server's log says why";
      return c.json({ status: "unavailable", error: message, ...base, ...metrics }, 503, {
        "cache-control": "no-store",
      });
    }
  });
  const webhook = options.webhook;
  if (webhook) app.post("/webhooks/managed-sync", (c) => webhook(c.req.raw));

  app.notFound((c) =>
    c.json({ error: { code: "NOT_FOUND", message: `no route ${c.req.method} ${c.req.path}` } }, 404),
  );
  app.onError((error, c) => {
    // The caller is sent to the log: Hono would otherwise keep the error from it.
    options.onError?.(error);
    return c.json(
      { error: { code: "INTERNAL", message: "the server failed unexpectedly: see its log" } },
      500,
    );
  });
  return app;
}
