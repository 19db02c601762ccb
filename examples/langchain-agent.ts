// A LangChain v1 agent (`createAgent`) with the permission-aware search tool. The agent is built
// once; who is asking travels in the agent's runtime context (`{ context: { user } }`), which the
// tool reads, so each person's answer is written only from what they may read. Two people ask the
// same question and get different sources.
//
//   npm install clearance langchain @langchain/core @lancedb/lancedb apache-arrow zod
//   npx tsx examples/langchain-agent.ts
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  BaseChatModel,
  type BaseChatModelCallOptions,
  type BindToolsInput,
} from "@langchain/core/language_models/chat_models";
import { AIMessage, type BaseMessage, ToolMessage } from "@langchain/core/messages";
import type { ChatResult } from "@langchain/core/outputs";
import {
  createManagedSyncRetriever,
  createRetrieverTool,
  HashingEmbeddings,
  ingest,
  LanceChunkStore,
  ManagedSyncClient,
  type RetrievalResult,
  tokenize,
} from "clearance";
import { EXAMPLE_CORPUS_DIR, startEmulator } from "clearance/emulator";
import { createAgent } from "langchain";
import { z } from "zod";

/**
 * OFFLINE STAND-IN for a tool-calling chat model, so the example needs no API key. It follows a
 * fixed script: asked a question, it calls the search tool with that question; given the tool's
 * passages, it answers by quoting the sentence that shares the most words with the question, with
 * its [n]. It sees only the messages, like a real model. In production use a real one:
 *
 *   import { ChatOpenAI } from "@langchain/openai";
 *   const model = new ChatOpenAI({ model: "gpt-4o-mini", temperature: 0 });
 */
class ScriptedToolCallingModel extends BaseChatModel {
  _llmType() {
    return "scripted-tool-calling";
  }

  // A real model gets the tool schemas here; the script only needs the tool's name.
  override bindTools(tools: BindToolsInput[]) {
    const [first] = tools as { name?: string }[];
    this.toolName = first?.name ?? this.toolName;
    return this;
  }

  private toolName = "search_company_documents";

  async _generate(messages: BaseMessage[], _options: BaseChatModelCallOptions): Promise<ChatResult> {
    const last = messages.at(-1);
    const question = messages.findLast((m) => m.type === "human")?.text ?? "";
    const message = ToolMessage.isInstance(last)
      ? new AIMessage(quoteBestSentence(question, last.text))
      : new AIMessage({
          content: "",
          tool_calls: [{ id: `call-${messages.length}`, name: this.toolName, args: { query: question } }],
        });
    return { generations: [{ message, text: message.text }] };
  }
}

/** The passage sentence sharing the most words with the question (figures break ties), with its [n]. */
function quoteBestSentence(question: string, passages: string): string {
  const wanted = new Set(tokenize(question));
  let best = { score: 0, text: "The documents you may read do not answer this." };
  // The tool's text lists passages as "[n] name, link" followed by the chunk's text.
  for (const passage of passages.split(/^(?=\[\d+\] )/m)) {
    const [heading = "", ...lines] = passage.split("\n");
    const n = /^\[\d+\]/.exec(heading)?.[0];
    if (!n) continue;
    for (const sentence of lines.join(" ").split(/(?<=[.!?])\s+/)) {
      const terms = new Set(tokenize(sentence).filter((term) => wanted.has(term)));
      const score = terms.size + (/\d/.test(sentence) ? 0.5 : 0);
      if (score > best.score) best = { score, text: `${sentence.trim()} ${n}` };
    }
  }
  return best.text;
}

// ─── Offline stand-in for Paragon and your cron ─────────────────────────────────────────────────
// The emulator serves the example companies' drives as Managed Sync on loopback, and one ingest
// fills a throwaway store. In production Paragon plays the first part, your cron (cron-ingest.ts)
// the second, and your server only opens the store.
const emulator = await startEmulator({ corpusDir: EXAMPLE_CORPUS_DIR, port: 0 });
const tenant = "northwind"; // the Connected User whose syncs hold Northwind Labs' drive (a token's `sub`)
const client = new ManagedSyncClient({
  baseUrl: emulator.url, // production: PARAGON_SYNC_URL, or nothing for Paragon's cloud
  auth: { signingKey: emulator.signingKeyPem!, projectId: emulator.projectId, userId: tenant },
});
const storeDir = await mkdtemp(join(tmpdir(), "clearance-example-"));
const store = await LanceChunkStore.open({ dir: storeDir, dimensions: 384 });
const embeddings = new HashingEmbeddings(); // offline; production: createEmbeddings({ openaiApiKey })
await ingest({ client, store, embeddings, tenant });
const cleanUp = async () => {
  await store.close();
  await emulator.close();
  await rm(storeDir, { recursive: true, force: true });
};
// ────────────────────────────────────────────────────────────────────────────────────────────────

// One retriever and one agent for everyone in the tenant; the person comes with each run.
const retriever = createManagedSyncRetriever({ client, store, embeddings, tenant, k: 3 });
const search = createRetrieverTool(retriever);
const agent = createAgent({
  model: new ScriptedToolCallingModel({}), // production: new ChatOpenAI({ model: "gpt-4o-mini" })
  tools: [search],
  systemPrompt: "Answer from the company documents the search tool returns, citing them as [n].",
  // What your app passes per run: the signed-in person (verified by your sign-in, never typed in).
  contextSchema: z.object({ user: z.string() }),
});

try {
  const question = "What are the salary bands for engineers?";
  for (const user of ["hana@northwind.test", "sam@northwind.test"]) {
    const { messages } = await agent.invoke(
      { messages: [{ role: "user", content: question }] },
      { context: { user } },
    );
    // The tool's artifact holds the documents (and the retrieval report) behind its text.
    const found = messages.filter(ToolMessage.isInstance).at(-1)?.artifact as RetrievalResult | undefined;
    const sources = found?.documents ?? [];
    console.log(`── ${user} asks: ${question}`);
    console.log(`answer: ${messages.at(-1)?.text}`);
    console.log(`sources: ${sources.map((d, i) => `[${i + 1}] ${d.metadata.name}`).join(" · ") || "(none)"}`);
    console.log();
  }
} finally {
  await cleanUp();
}
