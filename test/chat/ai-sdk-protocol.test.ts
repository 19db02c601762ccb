import { DefaultChatTransport, readUIMessageStream, type UIMessage, type UIMessageChunk } from "ai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  AnswerError,
  type Answerer,
  type ClearanceMessageMetadata,
  NOTHING_FOUND_ANSWER,
} from "../../src/chat/index.js";
import { type ServedWorld, serveWorld } from "./helpers/served-world.js";
import { ANA, type ChatWorld, LEO, startChatWorld } from "./helpers/world.js";

// The AI SDK's own client side (the transport `useChat` uses by default, and the reader that turns
// the UI message stream into a message) against the real server app on loopback.
let world: ChatWorld;
let served: ServedWorld;
beforeAll(async () => {
  world = await startChatWorld();
  served = await serveWorld(world);
});
afterAll(async () => {
  await served?.close();
  await world?.close();
});
beforeEach(() => {
  world.access.down = false;
  served.useAnswerer();
});

type ClearanceUIMessage = UIMessage<ClearanceMessageMetadata>;

const userMessage = (id: string, text: string): ClearanceUIMessage => ({
  id,
  role: "user",
  parts: [{ type: "text", text }],
});

async function transportFor(email: string | undefined) {
  const token = email ? await served.tokenFor(email) : undefined;
  return new DefaultChatTransport<ClearanceUIMessage>({
    api: `${served.url}/api/ai-sdk/chat`,
    ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
  });
}

/** Sends the conversation as useChat does and reads the streamed answer into the final message. */
async function send(email: string | undefined, messages: ClearanceUIMessage[]) {
  const transport = await transportFor(email);
  const chunks = await transport.sendMessages({
    chatId: "chat-1",
    messages,
    trigger: "submit-message",
    messageId: undefined,
    abortSignal: undefined,
  });
  let last: ClearanceUIMessage | undefined;
  for await (const message of readUIMessageStream<ClearanceUIMessage>({ stream: chunks })) last = message;
  return last!;
}

const textOf = (message: ClearanceUIMessage) =>
  message.parts.flatMap((p) => (p.type === "text" ? [p.text] : [])).join("");

describe("the AI SDK UI message stream endpoint", () => {
  it("streams the answer with its sources as source parts, the report as data, and metadata", async () => {
    const message = await send(ANA, [userMessage("m1", "How do we deploy to production?")]);
    expect(message.role).toBe("assistant");
    expect(textOf(message)).toContain("Release workflow");
    const sources = message.parts.filter((p) => p.type === "source-url");
    expect(sources.map((s) => s.url)).toContain("https://drive.example.test/rec-deploy");
    expect(sources.find((s) => s.url.endsWith("rec-deploy"))?.title).toBe("Deploy to production.md");
    const data = message.parts.find((p) => p.type === "data-clearance") as
      | { data: { report: { subject: string; query: string }; citations: { recordId: string }[] } }
      | undefined;
    expect(data?.data.report).toMatchObject({ subject: ANA, query: "How do we deploy to production?" });
    expect(data?.data.citations.map((c) => c.recordId)).not.toContain("rec-revenue");
    expect(message.metadata).toMatchObject({
      tenant: "northwind",
      query: "How do we deploy to production?",
      answered: true,
      answerer: "extractive",
    });
  });

  it("condenses a follow-up and abstains, answered: false, when nothing readable answers it", async () => {
    const first = await send(LEO, [userMessage("m1", "What was Q3 revenue?")]);
    expect(textOf(first)).toContain("912,400");
    const second = await send(LEO, [
      userMessage("m1", "What was Q3 revenue?"),
      first,
      userMessage("m2", "and Q2?"),
    ]);
    expect(second.metadata?.query).toBe("What was Q2 revenue?");
    const ana = await send(ANA, [userMessage("m1", "What was Q3 revenue?")]);
    expect(textOf(ana)).toBe(NOTHING_FOUND_ANSWER);
    expect(ana.metadata?.answered).toBe(false);
  });

  it("refuses before streaming without an identity, or when permissions cannot be checked", async () => {
    await expect(send(undefined, [userMessage("m1", "deploy")])).rejects.toThrow(/UNAUTHENTICATED/);
    world.access.down = true;
    const error = await send(ANA, [userMessage("m1", "deploy")]).catch((e: unknown) => e as Error);
    expect((error as Error).message).toMatch(/PERMISSIONS_UNAVAILABLE/);
    expect((error as Error).message).not.toMatch(/sync-drive|10\.0\.0\.7/);
  });

  it("ends with an error part, no upstream text, when the answerer fails mid-way", async () => {
    const failing: Answerer = {
      name: "failing",
      async *answer() {
        yield "The first half";
        throw new AnswerError("the chat model failed (429 quota exceeded for org-7f3a)");
      },
    };
    served.useAnswerer(failing);
    const transport = await transportFor(ANA);
    const stream = await transport.sendMessages({
      chatId: "chat-1",
      messages: [userMessage("m1", "deploy")],
      trigger: "submit-message",
      messageId: undefined,
      abortSignal: undefined,
    });
    const chunks: UIMessageChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const last = chunks.at(-1)!;
    expect(last.type).toBe("error");
    expect((last as { errorText: string }).errorText).toMatch(/^ANSWER_FAILED: /);
    expect(JSON.stringify(chunks)).not.toContain("org-7f3a");
    expect(chunks.some((c) => c.type === "finish")).toBe(false);
  });
});
