// A LangChain (LCEL) RAG chain over permission-aware retrieval: one chain, built once, serves
// everyone; who is asking arrives at invoke time as `configurable.user`, and each person's answer is
// written only from chunks they may read in Google Drive / SharePoint.
//
//   npx tsx examples/langchain-chain.ts
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Document } from "@langchain/core/documents";
import { SimpleChatModel } from "@langchain/core/language_models/chat_models";
import type { BaseMessage } from "@langchain/core/messages";
import { StringOutputParser } from "@langchain/core/output_parsers";
import { ChatPromptTemplate } from "@langchain/core/prompts";
import { RunnablePassthrough, RunnableSequence } from "@langchain/core/runnables";
import {
  createManagedSyncRetriever,
  HashingEmbeddings,
  ingest,
  LanceChunkStore,
  ManagedSyncClient,
  type RetrievedChunkMetadata,
  tokenize,
} from "clearance";
import { EXAMPLE_CORPUS_DIR, startEmulator } from "clearance/emulator";

/**
 * OFFLINE STAND-IN for a chat model, so the example needs no API key: it "answers" by quoting the
 * source sentence that shares the most words with the question (figures break ties), with its [n]. It only sees the
 * prompt, like a real model. In production use a real one:
 *
 *   import { ChatOpenAI } from "@langchain/openai";
 *   const model = new ChatOpenAI({ model: "gpt-4o-mini", temperature: 0 });
 */
class OfflineExtractiveChatModel extends SimpleChatModel {
  _llmType() {
    return "offline-extractive";
  }

  async _call(messages: BaseMessage[]): Promise<string> {
    const [system, human] = messages.map((m) => m.text);
    const wanted = new Set(tokenize(human ?? ""));
    let best = { score: 0, text: "The sources I may use do not answer this." };
    // The prompt lists the sources as "[n] name" followed by the chunk's text.
    for (const source of (system ?? "").split(/^(?=\[\d+\] )/m).slice(1)) {
      const [heading = "", ...lines] = source.split("\n");
      for (const sentence of lines.join(" ").split(/(?<=[.!?])\s+/)) {
        const terms = new Set(tokenize(sentence).filter((term) => wanted.has(term)));
        const score = terms.size + (/\d/.test(sentence) ? 0.5 : 0); // facts tend to have figures
        if (score > best.score) best = { score, text: `${sentence.trim()} ${heading.split(" ")[0]}` };
      }
    }
    return best.text;
  }
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

// Built once per tenant (the Connected User whose syncs were ingested), shared by every user.
const retriever = createManagedSyncRetriever({ client, store, embeddings, tenant, k: 3 });

const prompt = ChatPromptTemplate.fromMessages([
  [
    "system",
    "Answer from these sources only and cite them as [n]. If they do not answer, say so.\n\n{context}",
  ],
  ["human", "{question}"],
]);
const model = new OfflineExtractiveChatModel({}); // production: new ChatOpenAI({ model: "gpt-4o-mini" })

type Sourced = { question: string; docs: Document<RetrievedChunkMetadata>[] };

// Numbered so the model can cite them and we can show which [n] is which file.
const formatDocs = (docs: Document<RetrievedChunkMetadata>[]) =>
  docs.map((doc, i) => `[${i + 1}] ${doc.metadata.name}\n${doc.pageContent}`).join("\n\n");

const answer = RunnableSequence.from([
  (input: Sourced) => ({
    question: input.question,
    context: formatDocs(input.docs),
  }),
  prompt,
  model,
  new StringOutputParser(),
]);

// question → { question, docs } → + answer, so the caller gets the sources with the answer.
// The retriever reads `configurable.user` from the config LangChain hands down the chain; without
// one it throws (NoSubjectError) rather than search as nobody.
const chain = RunnableSequence.from<string, Sourced & { answer: string }>([
  { question: new RunnablePassthrough<string>(), docs: retriever },
  RunnablePassthrough.assign({ answer }),
]);

try {
  const question = "What are the salary bands for engineers?";
  for (const user of ["hana@northwind.test", "sam@northwind.test"]) {
    const result = await chain.invoke(question, { configurable: { user } });
    console.log(`── ${user} asks: ${question}`);
    console.log(`answer: ${result.answer}`);
    console.log(
      `sources: ${result.docs.map((d, i) => `[${i + 1}] ${d.metadata.name}`).join(" · ") || "(none)"}`,
    );
    console.log();
  }
} finally {
  await cleanUp();
}
