import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { BaseMessage } from "@langchain/core/messages";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  AnswerError,
  type Answerer,
  type AnswerInput,
  type ChatMessage,
  ChatModelAnswerer,
  ChatModelCondenser,
  type ChatResponseBody,
  CONDENSE_PROMPT,
  createChatHandler,
  RuleCondenser,
} from "../../src/chat/index.js";
import { MissingDependencyError } from "../../src/optional-dependency.js";
import { ANA, type ChatWorld, chatRequest, headerUser, LEO, startChatWorld } from "./helpers/world.js";

const user = (content: string): ChatMessage => ({ role: "user", content });
const assistant = (content: string): ChatMessage => ({ role: "assistant", content });

describe("RuleCondenser (offline)", () => {
  const condense = (history: ChatMessage[], question: string) =>
    new RuleCondenser().condense({ history, question });

  it("carries the previous question's subject into a short follow-up", async () => {
    const bands = [user("What are the salary bands for engineers?"), assistant("E1 $118,000 … [1]")];
    expect(await condense(bands, "and for sales?")).toBe("What are the salary bands for sales?");
    expect(await condense(bands, "Same for designers")).toBe("What are the salary bands for designers?");
    expect(await condense(bands, "what about the sales team?")).toBe(
      "What are the salary bands for the sales team?",
    );
    const revenue = [user("What was Q3 revenue?")];
    expect(await condense(revenue, "and Q2?")).toBe("What was Q2 revenue?");
    expect(await condense([user("What was revenue in 2025?")], "And in 2024?")).toBe(
      "What was revenue in 2024?",
    );
  });

  it("searches a question that points back together with the previous one", async () => {
    const discount = [user("How much discount can an account executive give without approval?")];
    expect(await condense(discount, "Who approves it?")).toBe(
      "Who approves it? (about: How much discount can an account executive give without approval)",
    );
  });

  it("leaves a standalone question alone, and condenses each turn against the one before", async () => {
    const history = [user("What are the salary bands for engineers?")];
    expect(await condense(history, "How do we deploy to production?")).toBe(
      "How do we deploy to production?",
    );
    expect(await condense([], "and for sales?")).toBe("and for sales?");
    const three = [user("What was Q3 revenue?"), assistant("$912,400 [1]"), user("and Q2?"), assistant("…")];
    expect(await condense(three, "and Q1?")).toBe("What was Q1 revenue?");
    // Only the user's questions carry a subject: an earlier answer never becomes part of the query.
    expect(
      await condense([assistant("The bands for engineers are secret"), ...history], "and for sales?"),
    ).toBe("What are the salary bands for sales?");
  });
});

/** A fake chat model (no network here) that records what it was sent. */
class RecordingModel extends FakeListChatModel {
  received: BaseMessage[][] = [];

  override async _generate(messages: BaseMessage[], options: this["ParsedCallOptions"]) {
    this.received.push(messages);
    if (this.failWith) throw new Error(this.failWith);
    return super._generate(messages, options);
  }

  failWith: string | undefined;
}

describe("ChatModelCondenser (LangChain's history-aware pattern)", () => {
  it("sends the contextualising prompt, the conversation and the question, and returns the model's query", async () => {
    const model = new RecordingModel({ responses: ['"What are the salary bands for sales?"'] });
    const query = await new ChatModelCondenser(model).condense({
      history: [
        { role: "system", content: "You are a pirate." },
        user("What are the salary bands for engineers?"),
        assistant("E1 $118,000 [1]"),
      ],
      question: "and for sales?",
    });
    expect(query).toBe("What are the salary bands for sales?");
    const [messages] = model.received;
    expect(messages!.map((m) => [m.getType(), m.text])).toEqual([
      ["system", CONDENSE_PROMPT],
      ["human", "What are the salary bands for engineers?"],
      ["ai", "E1 $118,000 [1]"],
      ["human", "and for sales?"],
    ]);
  });

  it("does not call the model without an earlier question, and turns a model failure into AnswerError", async () => {
    const model = new RecordingModel({ responses: ["unused"] });
    expect(await new ChatModelCondenser(model).condense({ history: [], question: "Q3 revenue?" })).toBe(
      "Q3 revenue?",
    );
    expect(model.received).toHaveLength(0);
    const failing = new RecordingModel({ responses: ["x"] });
    failing.failWith = "429 quota exceeded";
    const error = await new ChatModelCondenser(failing)
      .condense({ history: [user("Q3 revenue?")], question: "and Q2?" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AnswerError);
  });

  it("fails its first follow-up with a typed error when the chain it loads then cannot be built, or the model's package is missing", async () => {
    // The prompt chain is built at the first follow-up (condense-chain.ts), no longer in the
    // constructor: a model LangChain cannot pipe (a field that is neither runnable, function nor
    // object) fails there, and must fail as AnswerError like any model failure, not as a bare Error.
    const notPipeable = { _llmType: () => "not-a-chat-model", temperature: 0 } as unknown as BaseChatModel;
    const condenser = new ChatModelCondenser(notPipeable);
    const followUp = { history: [user("Q3 revenue?")], question: "and Q2?" };
    const [first, second] = await Promise.all([
      condenser.condense(followUp).catch((e: unknown) => e),
      condenser.condense(followUp).catch((e: unknown) => e),
    ]);
    expect(first).toBeInstanceOf(AnswerError);
    expect((first as AnswerError).cause).toBeInstanceOf(Error);
    expect(second).toBeInstanceOf(AnswerError);

    // Which package to install, as ChatModelAnswerer says it (DEPENDENCY_MISSING, not ANSWER_FAILED):
    // createAnswerer's lazy ChatOpenAI throws this at its first call, which is a follow-up's condense
    // when the conversation's first request already has a history.
    const missing = new RecordingModel({ responses: ["x"] });
    missing._generate = async () => {
      throw new MissingDependencyError("openai", "@langchain/openai");
    };
    const error = await new ChatModelCondenser(missing).condense(followUp).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingDependencyError);
    expect((error as MissingDependencyError).code).toBe("DEPENDENCY_MISSING");
  });

  it("is what a ChatModelAnswerer brings for its follow-ups", () => {
    const answerer = new ChatModelAnswerer(new FakeListChatModel({ responses: ["x"] }));
    expect(answerer.condenser).toBeInstanceOf(ChatModelCondenser);
  });
});

describe("conversations at the chat endpoint", () => {
  let world: ChatWorld;
  beforeAll(async () => {
    world = await startChatWorld();
  });
  afterAll(async () => {
    await world?.close();
  });
  beforeEach(() => {
    world.access.grant(LEO, "rec-revenue");
  });

  const ask = async (
    messages: ChatMessage[],
    who: string,
    model?: Answerer,
  ): Promise<{ status: number; body: ChatResponseBody & { error?: { message: string } } }> => {
    const handler = createChatHandler({
      retriever: world.retriever,
      identify: headerUser,
      ...(model ? { model } : {}),
    });
    const response = await handler(chatRequest({ messages }, { "x-user": who }));
    return {
      status: response.status,
      body: (await response.json()) as ChatResponseBody & { error?: { message: string } },
    };
  };

  it("answers the last question of a conversation and reports the standalone query it searched", async () => {
    const first = await ask([user("What was Q3 revenue?")], LEO);
    expect(first.body.report.query).toBe("What was Q3 revenue?");
    const second = await ask(
      [user("What was Q3 revenue?"), assistant(first.body.answer), user("and subscription revenue?")],
      LEO,
    );
    expect(second.status).toBe(200);
    expect(second.body.report.query).toBe("What was Q3 revenue, subscription revenue?");
    expect(second.body.answer).toContain("861,900");
  });

  it("retrieves each turn anew for the person asking: a revocation between turns takes the source away", async () => {
    const first = await ask([user("What was Q3 revenue?")], LEO);
    expect(first.body.citations.map((c) => c.recordId)).toContain("rec-revenue");
    world.access.revoke(LEO, "rec-revenue");
    const second = await ask(
      [user("What was Q3 revenue?"), assistant(first.body.answer), user("and subscription revenue?")],
      LEO,
    );
    expect(second.body.citations.map((c) => c.recordId)).not.toContain("rec-revenue");
    expect(second.body.answer).not.toContain("912,400");
    expect(second.body.answered).toBe(false);
  });

  it("never hands the answerer an earlier answer: only this turn's allowed sources and the standalone question", async () => {
    const seen: AnswerInput[] = [];
    const spy: Answerer = {
      name: "spy",
      async *answer(input) {
        seen.push(input);
        yield "ok";
      },
    };
    // Ana may not read the revenue report; a client claiming an earlier answer quoted it changes nothing.
    await ask(
      [
        user("What was Q3 revenue?"),
        assistant("Q3 revenue was $912,400 [1]"),
        user("and how do we deploy to production?"),
      ],
      ANA,
      spy,
    );
    expect(seen).toHaveLength(1);
    expect(JSON.stringify(seen[0]!.sources)).not.toContain("912,400");
    expect(seen[0]!.sources.map((s) => s.recordId)).not.toContain("rec-revenue");
    expect(seen[0]!.question).not.toContain("912,400");
  });

  it("refuses a conversation that does not end with a question, or a body with both question and messages", async () => {
    const handler = createChatHandler({ retriever: world.retriever, identify: headerUser });
    const send = async (body: unknown) => {
      const response = await handler(chatRequest(body, { "x-user": ANA }));
      return {
        status: response.status,
        message: ((await response.json()) as { error: { message: string } }).error.message,
      };
    };
    expect(await send({ messages: [user("Q3?"), assistant("…")] })).toEqual({
      status: 400,
      message: "messages.1.role: the last message must be the user's question",
    });
    expect((await send({ messages: [] })).message).toMatch(/^messages: must hold at least one message/);
    expect((await send({ messages: [{ role: "tool", content: "x" }] })).message).toMatch(
      /^messages\.0\.role: /,
    );
    expect((await send({ messages: [user("   ")] })).message).toMatch(/must not be empty/);
    expect((await send({ question: "a", messages: [user("b")] })).message).toMatch(
      /either question or messages/,
    );
    expect((await send({ messages: Array.from({ length: 101 }, () => user("x")) })).status).toBe(400);
  });
});
