import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type Answerer,
  type ChatProtocol,
  type ChatResponseBody,
  chatProtocol,
  createChatEndpoint,
  createChatHandler,
  DEFAULT_CHAT_K,
  NOTHING_FOUND_ANSWER,
  type ParsedChatRequest,
} from "../../src/chat/index.js";
import { sseEvent } from "../../src/chat/sse.js";
import type { RetrieveOptions } from "../../src/retrieval/index.js";
import { createServerApp, listen } from "../../src/server/index.js";
import {
  ANA,
  type ChatWorld,
  chatRequest,
  headerUser,
  LEO,
  NOBODY,
  readSse,
  startChatWorld,
  TENANT,
} from "./helpers/world.js";

let world: ChatWorld;
beforeAll(async () => {
  world = await startChatWorld();
});
afterAll(async () => {
  await world?.close();
});
beforeEach(() => {
  world.access.down = false;
  world.access.undecided.clear();
  world.counting.calls = 0;
});

const asUser = (user: string) => ({ "x-user": user });
const citedNumbers = (answer: string) => [...answer.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));

describe("who is asking", () => {
  const chat = () => createChatHandler({ retriever: world.counting, identify: headerUser });

  it("answers 401 without an identity, and never searches", async () => {
    const response = await chat()(chatRequest({ question: "How do we deploy?" }));
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("UNAUTHENTICATED");
    expect(world.counting.calls).toBe(0);
  });

  it("answers 401 for a blank identity and when identify throws (never falls back to anonymous)", async () => {
    expect((await chat()(chatRequest({ question: "x" }, asUser("   ")))).status).toBe(401);
    const throwing = createChatHandler({
      retriever: world.counting,
      identify: () => {
        throw new Error("session store unreachable");
      },
    });
    const response = await throwing(chatRequest({ question: "x" }));
    expect(response.status).toBe(401);
    // An unexpected failure is not described to the caller.
    expect(JSON.stringify(await response.json())).not.toContain("session store unreachable");
    expect(world.counting.calls).toBe(0);
  });

  it("answers 401 for an identity without a tenant, or a bare email, and never searches", async () => {
    const errors: unknown[] = [];
    for (const identify of [
      () => ({ tenant: "  ", user: ANA }),
      () => ({ user: ANA }) as never,
      () => ANA as never,
    ]) {
      const handler = createChatHandler({
        retriever: world.counting,
        identify,
        onError: (e) => errors.push(e),
      });
      expect((await handler(chatRequest({ question: "deploy" }))).status).toBe(401);
    }
    expect(world.counting.calls).toBe(0);
    // The email-only identify of older versions is named in the log, so the fix is obvious.
    expect(errors).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/\{ tenant, user \}/) }),
    ]);
  });

  it("accepts an async identify", async () => {
    const handler = createChatHandler({
      retriever: world.retriever,
      identify: async () => ({ tenant: TENANT, user: ANA }),
    });
    expect((await handler(chatRequest({ question: "deploy production" }))).status).toBe(200);
  });
});

describe("bad requests", () => {
  const chat = () => createChatHandler({ retriever: world.counting, identify: headerUser, maxK: 10 });
  const send = async (body: unknown, headers: Record<string, string> = {}) => {
    const response = await chat()(chatRequest(body, { ...asUser(ANA), ...headers }));
    return { status: response.status, body: (await response.json()) as { error: Record<string, unknown> } };
  };

  it("names the missing or wrong field", async () => {
    const missing = await send({});
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/^question: /);
    expect(missing.body.error.issues).toEqual([{ path: "question", message: expect.any(String) }]);

    expect((await send({ question: "   " })).body.error.message).toMatch(/question: must not be empty/);
    expect((await send({ question: 42 })).body.error.message).toMatch(/question: must be a string/);
    expect((await send({ question: "q", stream: "yes" })).body.error.message).toMatch(/stream: /);
    expect((await send({ question: "q", k: 2.5 })).body.error.message).toMatch(/k: must be a whole number/);
    expect((await send({ question: "q", k: 0 })).body.error.message).toMatch(/k: must be at least 1/);
    expect((await send({ question: "q", k: 11 })).body.error.message).toBe("k: must be at most 10");
    expect((await send({ question: "q", user: LEO })).body.error.message).toMatch(/unknown field user/);
    expect((await send([1, 2])).body.error.message).toMatch(/JSON object/);
    expect(world.counting.calls).toBe(0);
  });

  it("refuses invalid JSON, a non-JSON content type, an oversized body and other methods", async () => {
    const badJson = await send("{ question: ");
    expect(badJson.status).toBe(400);
    expect(badJson.body.error.code).toBe("BAD_JSON");

    const plain = await chat()(
      new Request("http://clearance.test/api/chat", {
        method: "POST",
        headers: { "content-type": "text/plain", ...asUser(ANA) },
        body: "deploy?",
      }),
    );
    expect(plain.status).toBe(415);

    const big = await send({ question: "x".repeat(300_000) });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe("BODY_TOO_LARGE");

    const get = await chat()(new Request("http://clearance.test/api/chat", { headers: asUser(ANA) }));
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    expect(world.counting.calls).toBe(0);
  });
});

describe("answers from allowed chunks only", () => {
  const chat = () => createChatHandler({ retriever: world.retriever, identify: headerUser });
  const ask = async (user: string, question: string) => {
    const response = await chat()(chatRequest({ question }, asUser(user)));
    expect(response.status).toBe(200);
    return (await response.json()) as ChatResponseBody;
  };

  it("cites only records the asker may read, and every [n] in the answer is one of them", async () => {
    const ana = await ask(ANA, "How do we deploy to production?");
    expect(ana.answerer).toBe("extractive");
    expect(ana.citations.map((c) => c.recordId).sort()).toEqual(["rec-deploy", "rec-handbook"]);
    expect(ana.citations[0]).toMatchObject({
      n: 1,
      recordId: "rec-deploy",
      name: "Deploy to production.md",
      url: "https://drive.example.test/rec-deploy",
      chunkIndex: 0,
    });
    expect(ana.citations[0]!.excerpt).toContain("Release workflow");
    expect(ana.answer).toContain("Release workflow");
    const cited = citedNumbers(ana.answer);
    expect(cited.length).toBeGreaterThan(0);
    for (const n of cited) expect(ana.citations.map((c) => c.n)).toContain(n);
    expect(ana.report).toMatchObject({
      subject: ANA,
      returned: 2,
      k: DEFAULT_CHAT_K,
      query: "How do we deploy to production?",
    });
    expect(ana.answered).toBe(true);
  });

  it("gives two people different sources for the same question", async () => {
    const question = "What was Q3 revenue and how do we deploy?";
    const ana = await ask(ANA, question);
    const leo = await ask(LEO, question);
    const anaRecords = ana.citations.map((c) => c.recordId);
    const leoRecords = leo.citations.map((c) => c.recordId);
    expect(anaRecords).not.toContain("rec-revenue");
    expect(leoRecords).not.toContain("rec-deploy");
    expect(leoRecords).toContain("rec-revenue");
    expect(ana.answer).not.toContain("912,400");
    expect(leo.answer).toContain("912,400");
  });

  it("says nothing was found, without calling the answerer, when nothing is readable", async () => {
    let called = false;
    const spy: Answerer = {
      name: "spy",
      // biome-ignore lint/correctness/useYield: it must never be iterated
      async *answer() {
        called = true;
      },
    };
    const handler = createChatHandler({ retriever: world.retriever, identify: headerUser, model: spy });
    const response = await handler(chatRequest({ question: "deploy" }, asUser(NOBODY)));
    const body = (await response.json()) as ChatResponseBody;
    expect(body.answer).toBe(NOTHING_FOUND_ANSWER);
    expect(body.answered).toBe(false);
    expect(body.citations).toEqual([]);
    expect(called).toBe(false);
  });

  it("marks a chat model's abstention answered: false, JSON and streamed", async () => {
    const { FakeListChatModel } = await import("@langchain/core/utils/testing");
    const { ChatModelAnswerer } = await import("../../src/chat/index.js");
    const model = new ChatModelAnswerer(new FakeListChatModel({ responses: [NOTHING_FOUND_ANSWER] }));
    const handler = createChatHandler({ retriever: world.retriever, identify: headerUser, model });
    const json = (await (
      await handler(chatRequest({ question: "What was Q3 revenue?" }, asUser(ANA)))
    ).json()) as ChatResponseBody;
    expect(json).toMatchObject({ answer: NOTHING_FOUND_ANSWER, answered: false });
    expect(json.citations.length).toBeGreaterThan(0);
    const events = await readSse(
      await handler(chatRequest({ question: "What was Q3 revenue?", stream: true }, asUser(ANA))),
    );
    expect(events.at(-1)).toMatchObject({ event: "done", data: { answered: false } });
  });

  it("abstains, answered: false, when what the asker may read only mentions the subject", async () => {
    // Ana may read the handbook, which names revenue figures without giving one; the report is Leo's.
    const body = await ask(ANA, "What was Q3 revenue?");
    expect(body.citations.map((c) => c.recordId)).not.toContain("rec-revenue");
    expect(body).toMatchObject({ answer: NOTHING_FOUND_ANSWER, answered: false });
    expect((await ask(LEO, "What was Q3 revenue?")).answered).toBe(true);
  });

  it("counts undecided records in the report without naming them to the caller", async () => {
    world.access.undecided.add("rec-revenue");
    const response = await chat()(chatRequest({ question: "Q3 revenue", k: 4 }, asUser(LEO)));
    const body = (await response.json()) as ChatResponseBody;
    expect(body.report.itemErrors).toBe(1);
    expect(body.report.errors).toEqual([]);
    expect(JSON.stringify(body)).not.toContain("rec-revenue");
    // The retriever itself still says which one, for the operator.
    const direct = await world.retriever.retrieveWithReport("Q3 revenue", { user: LEO, k: 4 });
    expect(direct.report.errors.map((e) => e.recordId)).toEqual(["rec-revenue"]);
  });

  it("reads a non-ASCII question intact from a streamed body", async () => {
    const question = "¿Cómo hacemos el deploy to production? 🚀";
    const bytes = new TextEncoder().encode(JSON.stringify({ question }));
    // One byte per chunk, so multi-byte characters arrive split.
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const byte of bytes) controller.enqueue(new Uint8Array([byte]));
        controller.close();
      },
    });
    const seen: string[] = [];
    const handler = createChatHandler({
      retriever: {
        tenant: TENANT,
        retrieveWithReport: (q, o) => {
          seen.push(q);
          return world.retriever.retrieveWithReport(q, o);
        },
      },
      identify: headerUser,
    });
    const response = await handler(
      new Request("http://clearance.test/api/chat", {
        method: "POST",
        headers: { "content-type": "application/json", ...asUser(ANA) },
        body,
        duplex: "half",
      } as RequestInit),
    );
    expect(response.status).toBe(200);
    expect(seen).toEqual([question]);
  });

  it("honours k from the body", async () => {
    const response = await chat()(chatRequest({ question: "revenue pricing handbook", k: 1 }, asUser(LEO)));
    const body = (await response.json()) as ChatResponseBody;
    expect(body.citations).toHaveLength(1);
    expect(body.report.k).toBe(1);
  });
});

describe("permission failures", () => {
  it("answers 503 with the typed error and no answer when the Permissions API is down", async () => {
    const errors: unknown[] = [];
    const handler = createChatHandler({
      retriever: world.retriever,
      identify: headerUser,
      onError: (e) => errors.push(e),
    });
    world.access.down = true;
    for (const extra of [{}, { stream: true }]) {
      const response = await handler(chatRequest({ question: "deploy", ...extra }, asUser(ANA)));
      expect(response.status).toBe(503);
      expect(response.headers.get("content-type")).toMatch(/application\/json/);
      const body = (await response.json()) as Record<string, { code: string; message: string }>;
      expect(body.answer).toBeUndefined();
      expect(body.citations).toBeUndefined();
      expect(body.error!.code).toBe("PERMISSIONS_UNAVAILABLE");
      expect(body.error!.message).toMatch(/nothing was answered/);
    }
    expect(errors).toHaveLength(2);
  });

  it("answers 503 too when the retriever turns the failure into an empty result", async () => {
    const handler = createChatHandler({
      retriever: world.retrieverWith({ onPermissionError: "empty" }),
      identify: headerUser,
    });
    world.access.down = true;
    const response = await handler(chatRequest({ question: "deploy" }, asUser(ANA)));
    expect(response.status).toBe(503);
    const body = (await response.json()) as { answer?: string; error: { code: string } };
    expect(body.answer).toBeUndefined();
    expect(body.error.code).toBe("PERMISSIONS_UNAVAILABLE");
  });
});

describe("error bodies never echo upstream text (issue 11 item 15)", () => {
  // What an upstream failure says can name syncs, records and internal hosts: the log gets it, the caller a code.
  const UPSTREAM = ["sync-drive", "10.0.0.7", "Bad Gateway", "ECONNREFUSED", "/api/permissions"];

  it("gives the caller a code and a generic message for a Permissions API outage, JSON or streamed, and logs the detail", async () => {
    const logged: unknown[] = [];
    const handler = createChatHandler({
      retriever: world.retriever,
      identify: headerUser,
      onError: (e) => logged.push(e),
    });
    world.access.down = true;
    for (const extra of [{}, { stream: true }]) {
      const response = await handler(chatRequest({ question: "deploy", ...extra }, asUser(ANA)));
      expect(response.status).toBe(503);
      const text = await response.text();
      for (const secret of UPSTREAM) expect(text).not.toContain(secret);
      expect(JSON.parse(text)).toEqual({
        error: { code: "PERMISSIONS_UNAVAILABLE", message: expect.stringMatching(/nothing was answered/) },
      });
    }
    expect(logged).toHaveLength(2);
    for (const error of logged) expect((error as Error).message).toContain("sync-drive");
  });

  it("does the same when the retriever turned the outage into an empty result", async () => {
    const logged: unknown[] = [];
    const handler = createChatHandler({
      retriever: world.retrieverWith({ onPermissionError: "empty" }),
      identify: headerUser,
      onError: (e) => logged.push(e),
    });
    world.access.down = true;
    const response = await handler(chatRequest({ question: "deploy" }, asUser(ANA)));
    expect(response.status).toBe(503);
    const text = await response.text();
    for (const secret of UPSTREAM) expect(text).not.toContain(secret);
    expect((logged[0] as Error).message).toContain("10.0.0.7");
  });

  it("keeps a failing model's own words (quota, keys, hosts) out of the 502 body and the stream's error event", async () => {
    const { AnswerError } = await import("../../src/chat/index.js");
    const failing: Answerer = {
      name: "failing",
      // biome-ignore lint/correctness/useYield: it fails before its first piece
      async *answer() {
        throw new AnswerError("the chat model failed (429 quota exceeded for org-7f3a at api.internal:8443)");
      },
    };
    const handler = createChatHandler({ retriever: world.retriever, identify: headerUser, model: failing });
    const json = await handler(chatRequest({ question: "deploy" }, asUser(ANA)));
    expect(json.status).toBe(502);
    const streamed = await handler(chatRequest({ question: "deploy", stream: true }, asUser(ANA)));
    for (const text of [await json.text(), await streamed.text()]) {
      expect(text).toContain("ANSWER_FAILED");
      for (const secret of ["429", "org-7f3a", "api.internal"]) expect(text).not.toContain(secret);
    }
  });
});

describe("streaming (Server-Sent Events)", () => {
  const chat = (model?: Answerer) =>
    createChatHandler({ retriever: world.retriever, identify: headerUser, ...(model ? { model } : {}) });

  it("sends the report, each citation, the answer in pieces, then done", async () => {
    const response = await chat()(chatRequest({ question: "deploy production", stream: true }, asUser(ANA)));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const events = await readSse(response);
    const names = events.map((e) => e.event);
    expect(names[0]).toBe("report");
    expect(names.filter((n) => n === "citation")).toHaveLength(2);
    expect(names.at(-1)).toBe("done");
    const deltas = events.filter((e) => e.event === "delta").map((e) => (e.data as { text: string }).text);
    expect(deltas.length).toBeGreaterThan(0);
    expect((events.at(-1)!.data as { answer: string }).answer).toBe(deltas.join(""));
    const cited = new Set(
      events.filter((e) => e.event === "citation").map((e) => (e.data as { n: number }).n),
    );
    for (const n of citedNumbers(deltas.join(""))) expect(cited.has(n)).toBe(true);
  });

  it("streams when the client accepts text/event-stream, unless the body says stream: false", async () => {
    const accept = { ...asUser(ANA), accept: "text/event-stream" };
    const sse = await chat()(chatRequest({ question: "deploy" }, accept));
    expect(sse.headers.get("content-type")).toMatch(/^text\/event-stream/);
    await sse.text();
    const json = await chat()(chatRequest({ question: "deploy", stream: false }, accept));
    expect(json.headers.get("content-type")).toMatch(/application\/json/);
    expect(((await json.json()) as ChatResponseBody).answer).toMatch(/\[\d\]/);
  });

  it("ends with an error event, not done, when the answerer fails mid-way", async () => {
    const failing: Answerer = {
      name: "failing",
      async *answer() {
        yield "The first half";
        throw new Error("model connection reset");
      },
    };
    const events = await readSse(
      await chat(failing)(chatRequest({ question: "deploy", stream: true }, asUser(ANA))),
    );
    expect(events.map((e) => e.event)).not.toContain("done");
    expect(events.at(-1)).toEqual({
      event: "error",
      data: { code: "INTERNAL", message: expect.any(String) },
    });
  });
});

describe("answerer failures and deadlines", () => {
  it("answers 502 with no partial answer when the answerer fails", async () => {
    const failing: Answerer = {
      name: "failing",
      async *answer() {
        yield "partial";
        const { AnswerError } = await import("../../src/chat/index.js");
        throw new AnswerError("the chat model failed (quota)");
      },
    };
    const handler = createChatHandler({ retriever: world.retriever, identify: headerUser, model: failing });
    const response = await handler(chatRequest({ question: "deploy" }, asUser(ANA)));
    expect(response.status).toBe(502);
    const text = await response.text();
    expect(text).not.toContain("partial");
    expect(JSON.parse(text)).toEqual({ error: { code: "ANSWER_FAILED", message: expect.any(String) } });
  });

  it("answers 504 when the answer is not ready by timeoutMs", async () => {
    const stuck: Answerer = {
      name: "stuck",
      async *answer({ signal }) {
        await new Promise((_, reject) => signal?.addEventListener("abort", () => reject(signal.reason)));
        yield "never";
      },
    };
    const handler = createChatHandler({
      retriever: world.retriever,
      identify: headerUser,
      model: stuck,
      timeoutMs: 20,
    });
    const response = await handler(chatRequest({ question: "deploy" }, asUser(ANA)));
    expect(response.status).toBe(504);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("CHAT_TIMEOUT");
  });
});

describe("the deadline covers the whole request", () => {
  it("is let go when a protocol's stream throws outside its own error handling, and the failure is told to onError", async () => {
    // The retriever is handed the deadline's signal: once disposed, it no longer follows the request.
    let deadlineSignal: AbortSignal | undefined;
    const watching = {
      tenant: TENANT,
      retrieveWithReport: (q: string, o: RetrieveOptions) => {
        deadlineSignal = o.signal;
        return world.retriever.retrieveWithReport(q, o);
      },
    };
    const broken: ChatProtocol<ParsedChatRequest> = {
      ...chatProtocol,
      async *stream(turn) {
        yield sseEvent("report", turn.report);
        throw new Error("protocol bug: a citation it cannot write");
      },
    };
    const logged: unknown[] = [];
    const handler = createChatEndpoint(broken, {
      retriever: watching,
      identify: headerUser,
      onError: (e) => logged.push(e),
    });
    const client = new AbortController();
    const request = new Request(chatRequest({ question: "deploy", stream: true }, asUser(ANA)), {
      signal: client.signal,
    });
    const response = await handler(request);
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
    expect(logged).toEqual([
      expect.objectContaining({ message: "protocol bug: a citation it cannot write" }),
    ]);
    // Still linked (and its timer still running) on main: the client leaving now would abort it.
    client.abort();
    expect(deadlineSignal?.aborted).toBe(false);
  });

  it("answers 408 when the body does not arrive within timeoutMs (a slow upload holds no socket past it)", {
    timeout: 10_000,
  }, async () => {
    const logged: unknown[] = [];
    const handler = createChatHandler({
      retriever: world.counting,
      identify: headerUser,
      timeoutMs: 200,
      onError: (e) => logged.push(e),
    });
    const server = await listen(createServerApp({ chat: handler }).fetch, { host: "127.0.0.1", port: 0 });
    try {
      const { port } = new URL(server.url);
      const response = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const request = httpRequest(
          {
            host: "127.0.0.1",
            port,
            path: "/api/chat",
            method: "POST",
            headers: { "content-type": "application/json", "content-length": "100", ...asUser(ANA) },
          },
          (res) => {
            let body = "";
            res.setEncoding("utf8");
            res.on("data", (chunk: string) => {
              body += chunk;
            });
            res.on("end", () => resolve({ status: res.statusCode!, body }));
          },
        );
        request.on("error", reject);
        // Half of a body, and then nothing more.
        request.write('{ "question": "how do we deploy');
      });
      expect(response.status).toBe(408);
      expect(JSON.parse(response.body)).toEqual({
        error: { code: "REQUEST_TIMEOUT", message: expect.stringMatching(/did not arrive within 200 ms/) },
      });
      expect(world.counting.calls).toBe(0);
      expect(logged).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe("configuration", () => {
  it("refuses a handler without identify or with a bad k", () => {
    expect(() =>
      createChatHandler({ retriever: world.retriever, identify: undefined as never }),
    ).toThrowError(/identify/);
    expect(() => createChatHandler({ retriever: world.retriever, identify: headerUser, k: 0 })).toThrowError(
      /option k must be a positive integer/,
    );
  });

  it("refuses a default k larger than maxK, saying which to change, since a body could not ask for it", () => {
    const make = (k: number, maxK?: number) => () =>
      createChatHandler({ retriever: world.retriever, identify: headerUser, k, ...(maxK ? { maxK } : {}) });
    expect(make(12, 10)).toThrowError(
      expect.objectContaining({
        code: "CHAT_CONFIG_INVALID",
        message:
          "createChatHandler option k (12) is larger than maxK (10): lower k, or raise maxK to at least 12",
      }),
    );
    // Past the default maxK (20) too.
    expect(make(25)).toThrowError(/k \(25\) is larger than maxK \(20\)/);
    expect(make(10, 10)).not.toThrow();
  });
});
