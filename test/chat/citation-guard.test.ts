import { FakeListChatModel } from "@langchain/core/utils/testing";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keepKnownCitations } from "../../src/chat/citation-guard.js";
import { ChatModelAnswerer, type ChatResponseBody, createChatHandler } from "../../src/chat/index.js";
import { ANA, type ChatWorld, chatRequest, headerUser, readSse, startChatWorld } from "./helpers/world.js";

async function run(pieces: string[], sources: number): Promise<string> {
  async function* source() {
    yield* pieces;
  }
  let out = "";
  for await (const piece of keepKnownCitations(source(), sources)) out += piece;
  return out;
}

describe("keepKnownCitations", () => {
  it("drops citations of sources that do not exist and keeps the rest, however the text is split", async () => {
    expect(await run(["Revenue grew [1] and [7] costs fell [2]."], 2)).toBe(
      "Revenue grew [1] and costs fell [2].",
    );
    expect(await run(["a [", "1", "2", "] b [", "2]"], 2)).toBe("a b [2]");
    expect(await run(["- [ ] task [0] done [3"], 2)).toBe("- [ ] task done [3");
    expect(await run(["[0[12]]"], 3)).toBe("");
    expect(await run(["[0", "[12]", "]"], 3)).toBe("");
    // Found by the property below (seed 511030139): two adjacent unknown citations after spaces.
    expect(await run(["  [12][12]"], 6)).toBe(await run(["  [12]", "[12]"], 6));
    // A long number is held back until its bracket closes, then judged like any other.
    expect(await run(["see [1", "123", "4", "5] and [2]"], 2)).toBe("see and [2]");

    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(fc.constantFrom("[", "]", " ", "[1]", "[3]", "[12]", "x"), fc.nat(20).map(String)),
          {
            maxLength: 30,
          },
        ),
        fc.array(fc.nat(40), { maxLength: 6 }),
        async (tokens, cuts) => {
          const text = tokens.join("");
          const points = [...new Set(cuts.map((c) => Math.min(c, text.length)))].sort((a, b) => a - b);
          const pieces: string[] = [];
          let last = 0;
          for (const p of [...points, text.length]) {
            pieces.push(text.slice(last, p));
            last = p;
          }
          const whole = await run([text], 3);
          expect(await run(pieces, 3)).toBe(whole);
          for (const [, n] of whole.matchAll(/\[(\d+)\]/g)) expect([1, 2, 3]).toContain(Number(n));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe("a chat model that invents a citation", () => {
  let world: ChatWorld;
  beforeAll(async () => {
    world = await startChatWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  it("never shows the invented [n], streamed or not", async () => {
    const model = () =>
      new ChatModelAnswerer(
        new FakeListChatModel({ responses: ["Use the Release workflow [1] as the wiki says [9]."] }),
      );
    const json = await createChatHandler({
      retriever: world.retriever,
      identify: headerUser,
      model: model(),
    })(chatRequest({ question: "deploy" }, { "x-user": ANA }));
    expect(((await json.json()) as ChatResponseBody).answer).toBe(
      "Use the Release workflow [1] as the wiki says.",
    );

    const sse = await createChatHandler({ retriever: world.retriever, identify: headerUser, model: model() })(
      chatRequest({ question: "deploy", stream: true }, { "x-user": ANA }),
    );
    const done = (await readSse(sse)).at(-1)!;
    expect(done).toEqual({
      event: "done",
      data: {
        answer: "Use the Release workflow [1] as the wiki says.",
        answered: true,
        answerer: "chat-model:fake-list",
      },
    });
  });
});
