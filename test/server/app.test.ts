import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createChatHandler, createOpenAIChatHandler } from "../../src/chat/index.js";
import { countResponses, createServerApp, type Listening, listen } from "../../src/server/index.js";
import { devHeaderIdentity } from "../../src/tenants/index.js";
import { ANA, type ChatWorld, startChatWorld, TENANT } from "../chat/helpers/world.js";

const PEOPLE = [
  { email: ANA, name: "Ana Souza", title: "Platform Engineer", tenant: TENANT },
  { email: "leo@northwind.test", tenant: TENANT },
];
const HEADERS = { tenant: "x-clearance-tenant", user: "x-clearance-user" };

let world: ChatWorld;
beforeAll(async () => {
  world = await startChatWorld();
});
afterAll(async () => {
  await world?.close();
});

const running: Listening[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) await server.close();
});

async function serve(options: Partial<Parameters<typeof createServerApp>[0]> = {}): Promise<string> {
  const chat = createChatHandler({
    retriever: world.retriever,
    identify: devHeaderIdentity({ people: PEOPLE }),
  });
  const app = createServerApp({ chat, people: PEOPLE, identityHeaders: HEADERS, ...options });
  const server = await listen(app.fetch, { host: "127.0.0.1", port: 0 });
  running.push(server);
  return server.url;
}

describe("createServerApp", () => {
  it("serves the page, its script and styles with a strict content security policy", async () => {
    const url = await serve();
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    const html = await page.text();
    expect(html).toContain('<script type="module" src="/app.js"></script>');
    expect(html).toContain('data-testid="person"');
    // The page's modules: app.js imports the others, and the conversation posts to /api/chat.
    const modules = new Map<string, string>();
    for (const name of ["app.js", "conversation.js", "render.js", "events.js"]) {
      const script = await fetch(`${url}/${name}`);
      expect(script.headers.get("content-type")).toMatch(/^text\/javascript/);
      expect(script.headers.get("content-security-policy")).toContain("script-src 'self'");
      modules.set(name, await script.text());
    }
    expect(modules.get("app.js")).toContain('from "./conversation.js"');
    expect(modules.get("conversation.js")).toContain("/api/chat");
    expect((await fetch(`${url}/app.css`)).headers.get("content-type")).toMatch(/^text\/css/);
  });

  it("lists the people with their tenant, the tenants, questions and identity headers for the page", async () => {
    const url = await serve({ questions: ["How do we deploy?"] });
    expect(await (await fetch(`${url}/api/people`)).json()).toEqual({
      tenants: [TENANT],
      companies: [{ tenant: TENANT }],
      people: PEOPLE,
      questions: ["How do we deploy?"],
      identity: { header: "x-clearance-user", tenantHeader: "x-clearance-tenant" },
    });
    const withoutDemo = await serve({ people: undefined, identityHeaders: undefined });
    expect(await (await fetch(`${withoutDemo}/api/people`)).json()).toEqual({
      tenants: [],
      companies: [],
      people: [],
      questions: [],
      identity: null,
    });
  });

  it("answers chat over HTTP for a known person of their tenant only, naming the tenant", async () => {
    const url = await serve();
    const ask = (user?: string, tenant: string | null = TENANT) =>
      fetch(`${url}/api/chat`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(user ? { "x-clearance-user": user } : {}),
          ...(tenant ? { "x-clearance-tenant": tenant } : {}),
        },
        body: JSON.stringify({ question: "deploy to production" }),
      });
    const ok = await ask(ANA);
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as {
      tenant: string;
      report: { tenant: string };
      citations: { recordId: string }[];
    };
    expect(body.citations[0]!.recordId).toBe("rec-deploy");
    expect(body.tenant).toBe(TENANT);
    expect(body.report.tenant).toBe(TENANT);
    expect((await ask()).status).toBe(401);
    expect((await ask("stranger@elsewhere.test")).status).toBe(401);
    // No tenant header: unauthenticated, never a default tenant; another tenant: not this person.
    expect((await ask(ANA, null)).status).toBe(401);
    expect((await ask(ANA, "contoso")).status).toBe(401);
  });

  it("refuses the dev headers from a page served under a DNS name (DNS rebinding), on every chat protocol", async () => {
    // A page on attacker.test whose name is rebound to 127.0.0.1 is same-origin with this server
    // in the browser's eyes, so it may set the dev headers and read what it asks as anyone. /mcp
    // refuses foreign origins already; the chat endpoints must too. A rebound page cannot hide its
    // origin: a browser sends Origin on every POST, and it names the attacker's host.
    const chat = createChatHandler({
      retriever: world.retriever,
      identify: devHeaderIdentity({ people: PEOPLE }),
    });
    const openai = createOpenAIChatHandler({ retriever: world.retriever, identify: devHeaderIdentity() });
    const url = await serve({ chat, openai });
    const port = new URL(url).port;
    const post = (path: string, origin: string | undefined, body: unknown) =>
      fetch(`${url}${path}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-clearance-user": ANA,
          "x-clearance-tenant": TENANT,
          ...(origin ? { origin } : {}),
        },
        body: JSON.stringify(body),
      });
    const question = { question: "deploy to production" };
    const completion = { messages: [{ role: "user", content: "deploy to production" }] };
    for (const origin of [`http://attacker.test:${port}`, "null"]) {
      const refused = await post("/api/chat", origin, question);
      expect(refused.status, `/api/chat from ${origin}`).toBe(401);
      expect(await refused.text()).toMatch(/DNS rebinding/);
      expect((await post("/v1/chat/completions", origin, completion)).status).toBe(401);
    }
    // The page itself, opened at loopback by name or address, and callers without a browser.
    for (const origin of [url, `http://localhost:${port}`, `http://[::1]:${port}`, undefined]) {
      expect((await post("/api/chat", origin, question)).status, `from ${origin}`).toBe(200);
    }
    // Opened on the LAN by address (a rebound page always carries a name, never the address).
    expect((await post("/api/chat", `http://192.168.1.20:${port}`, question)).status).toBe(200);
  });

  it("reports health with details and metrics", async () => {
    const chat = countResponses(async () => new Response("ok"));
    const url = await serve({
      chat: chat.handler,
      health: () => ({ tenant: "northwind" }),
      metrics: () => ({ chat: chat.snapshot() }),
    });
    await fetch(`${url}/api/chat`, { method: "POST" });
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      status: "ok",
      tenant: "northwind",
      metrics: { chat: { requests: 1, byStatus: { "200": 1 } } },
    });
  });

  it("answers 503 when a health check throws, without its error (anyone may ask /health), which goes to onError", async () => {
    const logged: unknown[] = [];
    const internal = new Error("store unreachable at /var/lib/clearance/northwind (EACCES)");
    const failing = await serve({
      health: async () => {
        throw internal;
      },
      onError: (error) => logged.push(error),
    });
    const down = await fetch(`${failing}/health`);
    expect(down.status).toBe(503);
    const text = await down.text();
    expect(text).not.toMatch(/store unreachable|var\/lib|EACCES/);
    expect(JSON.parse(text)).toMatchObject({
      status: "unavailable",
      error: "a health check failed: the server's log says why",
    });
    expect(logged).toEqual([internal]);
  });

  it("mounts the webhook receiver only when one is given, and answers unknown routes with JSON 404", async () => {
    const received: string[] = [];
    const withHook = await serve({
      webhook: async (request) => {
        received.push(await request.text());
        return new Response(null, { status: 202 });
      },
    });
    const delivered = await fetch(`${withHook}/webhooks/managed-sync`, {
      method: "POST",
      body: '{"event":"x"}',
    });
    expect(delivered.status).toBe(202);
    expect(received).toEqual(['{"event":"x"}']);

    const without = await serve();
    const missing = await fetch(`${without}/webhooks/managed-sync`, { method: "POST", body: "{}" });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error: { code: "NOT_FOUND", message: "no route POST /webhooks/managed-sync" },
    });
  });

  it("answers 500 as JSON, without details, when a mounted handler throws; the error goes to onError", async () => {
    const logged: unknown[] = [];
    const secret = new Error("secret internal detail");
    const url = await serve({
      chat: async () => {
        throw secret;
      },
      onError: (error) => logged.push(error),
    });
    const response = await fetch(`${url}/api/chat`, { method: "POST" });
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain("secret internal detail");
    expect(JSON.parse(text).error.code).toBe("INTERNAL");
    // The answer says "see its log": the log is where the error must then be.
    expect(logged).toEqual([secret]);
  });
});
