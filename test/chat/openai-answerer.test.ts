import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChatResponseBody, createAnswerer, createChatHandler } from "../../src/chat/index.js";
import { ANA, type ChatWorld, chatRequest, headerUser, readSse, startChatWorld } from "./helpers/world.js";

/**
 * A fake of OpenAI's chat completions endpoint (there is no OpenAI here): streams a fixed answer as
 * `chat.completion.chunk` events and records each request body.
 */
class FakeOpenAIServer {
  readonly requests: { messages: { role: string; content: string }[]; model: string; stream: boolean }[] = [];
  status = 200;
  private server: Server | undefined;

  constructor(private readonly pieces: string[]) {}

  async start(): Promise<string> {
    this.server = createServer(async (req, res) => {
      let body = "";
      for await (const chunk of req) body += chunk;
      this.requests.push(JSON.parse(body));
      if (this.status !== 200) {
        res.writeHead(this.status, { "content-type": "application/json" });
        res.end(
          JSON.stringify({ error: { message: "fake: invalid request", type: "invalid_request_error" } }),
        );
        return;
      }
      res.writeHead(200, { "content-type": "text/event-stream" });
      const chunk = (delta: object, finish: string | null = null) =>
        `data: ${JSON.stringify({
          id: "chatcmpl-fake",
          object: "chat.completion.chunk",
          created: 1_700_000_000,
          model: "gpt-4o-mini",
          choices: [{ index: 0, delta, finish_reason: finish }],
        })}\n\n`;
      res.write(chunk({ role: "assistant", content: "" }));
      for (const piece of this.pieces) res.write(chunk({ content: piece }));
      res.write(chunk({}, "stop"));
      res.end("data: [DONE]\n\n");
    });
    this.server.listen(0, "127.0.0.1");
    await once(this.server, "listening");
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

describe("createAnswerer with an OpenAI key (against a fake OpenAI endpoint)", () => {
  let world: ChatWorld;
  let openai: FakeOpenAIServer;
  let baseURL: string;

  beforeAll(async () => {
    world = await startChatWorld();
    openai = new FakeOpenAIServer(["Run the ", "Release workflow ", "[1]", ", not the wiki [5]."]);
    baseURL = await openai.start();
  });
  afterAll(async () => {
    await openai?.close();
    await world?.close();
  });

  const handler = () =>
    createChatHandler({
      retriever: world.retriever,
      identify: headerUser,
      model: createAnswerer({ openaiApiKey: "sk-fake-key", baseURL }),
    });

  it("streams the model's answer through the chat endpoint, with only the allowed sources in the prompt", async () => {
    const response = await handler()(
      chatRequest({ question: "How do we deploy?", stream: true }, { "x-user": ANA }),
    );
    const events = await readSse(response);
    const deltas = events.filter((e) => e.event === "delta").map((e) => (e.data as { text: string }).text);
    expect(deltas.length).toBeGreaterThan(1);
    expect(events.at(-1)).toEqual({
      event: "done",
      data: {
        answer: "Run the Release workflow [1], not the wiki.",
        answered: true,
        answerer: "openai:gpt-4o-mini",
      },
    });

    const sent = openai.requests.at(-1)!;
    expect(sent.model).toBe("gpt-4o-mini");
    expect(sent.stream).toBe(true);
    const system = sent.messages.find((m) => m.role === "system")!.content;
    expect(system).toContain("Release workflow");
    expect(system).toContain("Employee handbook.pdf");
    // Ana may not read the revenue report or the pricing sheet: not a word of them reaches the model.
    expect(system).not.toContain("912,400");
    expect(system).not.toContain("discount");
    expect(sent.messages.at(-1)).toEqual({ role: "user", content: "How do we deploy?" });
  });

  it("answers 502 with no partial answer when OpenAI refuses the request", async () => {
    openai.status = 400;
    try {
      const response = await handler()(chatRequest({ question: "How do we deploy?" }, { "x-user": ANA }));
      expect(response.status).toBe(502);
      const body = (await response.json()) as Partial<ChatResponseBody> & { error: { code: string } };
      expect(body.error.code).toBe("ANSWER_FAILED");
      expect(body.answer).toBeUndefined();
    } finally {
      openai.status = 200;
    }
  });
});
