import OpenAI, { APIError, AuthenticationError } from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  AnswerError,
  type Answerer,
  type ClearanceCompletionExtra,
  NOTHING_FOUND_ANSWER,
} from "../../src/chat/index.js";
import { type ServedWorld, serveWorld } from "./helpers/served-world.js";
import { ANA, type ChatWorld, LEO, NOBODY, startChatWorld } from "./helpers/world.js";

// The real `openai` npm client against the real server app on loopback: what Open WebUI, LibreChat
// and any tool built on OpenAI's API do when pointed at Clearance.
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
  served.logged.length = 0;
});

/** An OpenAI client whose API key is the person's sign-in token, as a chat app would configure it. */
async function clientFor(email: string | undefined): Promise<OpenAI> {
  return new OpenAI({
    baseURL: `${served.url}/v1`,
    apiKey: email ? await served.tokenFor(email) : "not-a-token",
    maxRetries: 0,
  });
}

const extraOf = (completion: object) => (completion as { clearance: ClearanceCompletionExtra }).clearance;

describe("POST /v1/chat/completions with the openai client", () => {
  it("answers in OpenAI's format, citations as Markdown links and in the clearance field", async () => {
    const openai = await clientFor(ANA);
    const completion = await openai.chat.completions.create({
      model: "clearance",
      messages: [
        { role: "system", content: "You are a helpful assistant." },
        { role: "user", content: "How do we deploy to production?" },
      ],
    });
    expect(completion.object).toBe("chat.completion");
    expect(completion.model).toBe("clearance");
    expect(completion.choices).toHaveLength(1);
    const [choice] = completion.choices;
    expect(choice!.finish_reason).toBe("stop");
    expect(choice!.message.role).toBe("assistant");
    const content = choice!.message.content!;
    expect(content).toContain("Release workflow");
    expect(content).toMatch(/\[\[\d\]\]\(https:\/\/drive\.example\.test\/rec-deploy\)/);
    expect(content).toContain("Sources:\n");
    expect(content).toMatch(
      /\[\d\] \[Deploy to production\.md\]\(https:\/\/drive\.example\.test\/rec-deploy\)/,
    );
    const extra = extraOf(completion);
    expect(extra).toMatchObject({
      tenant: "northwind",
      answered: true,
      query: "How do we deploy to production?",
    });
    expect(extra.citations.map((c) => c.recordId)).toContain("rec-deploy");
    expect(extra.report.subject).toBe(ANA);
  });

  it("streams chunks in OpenAI's format, the clearance field on the last one, usage when asked", async () => {
    const openai = await clientFor(LEO);
    const stream = await openai.chat.completions.create({
      model: "gpt-4o-mini",
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: "user", content: "What was Q3 revenue?" }],
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]!.choices[0]!.delta.role).toBe("assistant");
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks.every((c) => c.object === "chat.completion.chunk" && c.model === "gpt-4o-mini")).toBe(true);
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
    expect(text).toContain("912,400");
    expect(text).toMatch(/\[\[\d\]\]\(https:\/\/drive\.example\.test\/rec-revenue\)/);
    const finished = chunks.find((c) => c.choices[0]?.finish_reason === "stop")!;
    expect(extraOf(finished)).toMatchObject({ answered: true, query: "What was Q3 revenue?" });
    expect(chunks.at(-1)!.choices).toEqual([]);
    expect(chunks.at(-1)!.usage).toMatchObject({ total_tokens: 0 });
  });

  it("takes who is asking from the bearer token only: a body's user field changes nothing", async () => {
    const openai = await clientFor(ANA);
    const completion = await openai.chat.completions.create({
      model: "clearance",
      user: LEO,
      messages: [{ role: "user", content: "What was Q3 revenue?" }],
    });
    const extra = extraOf(completion);
    expect(extra.report.subject).toBe(ANA);
    expect(extra.citations.map((c) => c.recordId)).not.toContain("rec-revenue");
    expect(completion.choices[0]!.message.content).not.toContain("912,400");
    expect(extra.answered).toBe(false);
    expect(completion.choices[0]!.message.content).toBe(NOTHING_FOUND_ANSWER);
  });

  it("condenses a follow-up from the conversation the client sends", async () => {
    const openai = await clientFor(LEO);
    const completion = await openai.chat.completions.create({
      model: "clearance",
      messages: [
        { role: "user", content: "What was Q3 revenue?" },
        { role: "assistant", content: "Q3 revenue was $912,400 [1]" },
        { role: "user", content: [{ type: "text", text: "and subscription revenue?" }] },
      ],
    });
    expect(extraOf(completion).query).toBe("What was Q3 revenue, subscription revenue?");
    expect(completion.choices[0]!.message.content).toContain("861,900");
  });

  it("refuses without a valid token (401) and lists its model for clients that ask", async () => {
    const anonymous = await clientFor(undefined);
    await expect(
      anonymous.chat.completions.create({
        model: "clearance",
        messages: [{ role: "user", content: "deploy" }],
      }),
    ).rejects.toBeInstanceOf(AuthenticationError);
    const models = await (await clientFor(NOBODY)).models.list();
    expect(models.data.map((m) => m.id)).toEqual(["clearance"]);
  });

  it("answers a bad request in OpenAI's error shape", async () => {
    const openai = await clientFor(ANA);
    const error = await openai.chat.completions
      .create({ model: "clearance", messages: [{ role: "assistant", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(400);
    expect((error as APIError).message).toMatch(/the last message must be the user's question/);
    expect((error as APIError).type).toBe("invalid_request_error");
  });

  it("refuses a model name longer than 256 characters: every streamed chunk would echo it", async () => {
    const openai = await clientFor(ANA);
    const messages = [{ role: "user" as const, content: "How do we deploy to production?" }];
    const error = await openai.chat.completions
      .create({ model: "m".repeat(100_000), messages, stream: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(400);
    expect((error as APIError).message).toMatch(/model: .*256 characters/);
    const named = await openai.chat.completions.create({ model: "m".repeat(256), messages });
    expect(named.model).toBe("m".repeat(256));
  });

  it("answers 503 with a code and no upstream text when permissions cannot be checked", async () => {
    world.access.down = true;
    const openai = await clientFor(ANA);
    for (const stream of [false, true]) {
      const error = await openai.chat.completions
        .create({ model: "clearance", stream, messages: [{ role: "user", content: "deploy" }] })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(APIError);
      expect((error as APIError).status).toBe(503);
      expect((error as APIError).code).toBe("PERMISSIONS_UNAVAILABLE");
      expect(JSON.stringify((error as APIError).error)).not.toMatch(/sync-drive|10\.0\.0\.7/);
    }
    expect(served.logged.length).toBe(2);
  });

  it("ends a stream with an error the client raises when the answerer fails mid-way", async () => {
    const failing: Answerer = {
      name: "failing",
      async *answer() {
        yield "The first half";
        throw new AnswerError("the chat model failed (429 quota exceeded for org-7f3a)");
      },
    };
    served.useAnswerer(failing);
    const openai = await clientFor(ANA);
    const stream = await openai.chat.completions.create({
      model: "clearance",
      stream: true,
      messages: [{ role: "user", content: "deploy" }],
    });
    const seen: string[] = [];
    const error = await (async () => {
      for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? "");
    })().catch((e: unknown) => e);
    expect(seen.join("")).toBe("The first half");
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).message).toMatch(/the answer could not be written/);
    expect((error as APIError).message).not.toContain("org-7f3a");
  });
});
