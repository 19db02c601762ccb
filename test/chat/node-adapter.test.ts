import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type ChatResponseBody,
  createChatHandler,
  expressAdapter,
  toNodeHandler,
} from "../../src/chat/index.js";
import { ANA, type ChatWorld, headerUser, startChatWorld } from "./helpers/world.js";

let world: ChatWorld;
beforeAll(async () => {
  world = await startChatWorld();
});
afterAll(async () => {
  await world?.close();
});

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(server: Server): Promise<string> {
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-user": ANA, ...headers },
    body: JSON.stringify(body),
  });

describe("toNodeHandler", () => {
  it("serves the chat handler from node:http: JSON, SSE and errors", async () => {
    const chat = createChatHandler({ retriever: world.retriever, identify: headerUser });
    const url = await serve(createServer(toNodeHandler(chat)));

    const json = await post(`${url}/api/chat`, { question: "deploy to production" });
    expect(json.status).toBe(200);
    const body = (await json.json()) as ChatResponseBody;
    expect(body.citations.map((c) => c.recordId)).toContain("rec-deploy");

    const sse = await post(`${url}/api/chat`, { question: "deploy", stream: true });
    expect(sse.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const text = await sse.text();
    expect(text).toMatch(/^event: report\n/);
    expect(text).toMatch(/event: done\ndata: .*\n\n$/);

    const anonymous = await post(`${url}/api/chat`, { question: "deploy" }, { "x-user": "" });
    expect(anonymous.status).toBe(401);
    const bad = await post(`${url}/api/chat`, { nope: 1 });
    expect(bad.status).toBe(400);
  });

  it("passes headers both ways, several set-cookie values included, and the full URL", async () => {
    const seen: { url?: string; header?: string | null; body?: string } = {};
    const handler = toNodeHandler(async (request) => {
      seen.url = request.url;
      seen.header = request.headers.get("x-trace");
      seen.body = await request.text();
      const headers = new Headers({ "x-answer": "yes" });
      headers.append("set-cookie", "a=1");
      headers.append("set-cookie", "b=2");
      return new Response("created", { status: 201, headers });
    });
    const url = await serve(createServer(handler));
    const response = await fetch(`${url}/some/path?q=1`, {
      method: "PUT",
      headers: { "x-trace": "t-1" },
      body: "payload",
    });
    expect(response.status).toBe(201);
    expect(await response.text()).toBe("created");
    expect(response.headers.get("x-answer")).toBe("yes");
    expect(response.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
    expect(seen).toEqual({ url: `${url}/some/path?q=1`, header: "t-1", body: "payload" });
  });

  it("aborts the handler's request.signal when the client goes away mid-stream", async () => {
    let aborted!: () => void;
    const abortSeen = new Promise<void>((resolve) => {
      aborted = resolve;
    });
    const url = await serve(
      createServer(
        toNodeHandler((request) => {
          request.signal.addEventListener("abort", () => aborted());
          const body = new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(new TextEncoder().encode("event: report\ndata: {}\n\n"));
            },
          });
          return new Response(body, { headers: { "content-type": "text/event-stream" } });
        }),
      ),
    );
    const client = new AbortController();
    const response = await fetch(url, { signal: client.signal });
    const reader = response.body!.getReader();
    await reader.read();
    client.abort();
    await abortSeen;
  });

  it("answers 500 as JSON when the handler throws and there is no next()", async () => {
    const url = await serve(
      createServer(
        toNodeHandler(() => {
          throw new Error("boom");
        }),
      ),
    );
    const response = await fetch(url);
    expect(response.status).toBe(500);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("INTERNAL");
  });
});

describe("expressAdapter", () => {
  it("works behind express.json() (the body was already read) and without it", async () => {
    const chat = createChatHandler({ retriever: world.retriever, identify: headerUser });
    const app = express();
    app.post("/raw/chat", expressAdapter(chat));
    app.post("/parsed/chat", express.json(), expressAdapter(chat));
    const url = await serve(createServer(app));
    for (const path of ["/raw/chat", "/parsed/chat"]) {
      const response = await post(`${url}${path}`, { question: "deploy to production" });
      expect(response.status, path).toBe(200);
      expect(((await response.json()) as ChatResponseBody).citations.length).toBeGreaterThan(0);
      const bad = await post(`${url}${path}`, { question: "" });
      expect(bad.status, path).toBe(400);
    }
  });

  it("hands a thrown error to Express's next()", async () => {
    const app = express();
    app.get(
      "/fail",
      expressAdapter(() => {
        throw new Error("handler exploded");
      }),
    );
    app.use((error: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(418).json({ caught: error.message });
    });
    const url = await serve(createServer(app));
    const response = await fetch(`${url}/fail`);
    expect(response.status).toBe(418);
    expect(await response.json()).toEqual({ caught: "handler exploded" });
  });
});
