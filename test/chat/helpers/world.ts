import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HashingEmbeddings } from "../../../src/embeddings/index.js";
import {
  PermissionAwareRetriever,
  type PermissionAwareRetrieverFields,
  type RetrievalResult,
  type RetrieveOptions,
} from "../../../src/retrieval/index.js";
import { type ChunkInput, chunkId, LanceChunkStore } from "../../../src/store/index.js";
import type { Identity } from "../../../src/tenants/index.js";
import { FakeAccessControl } from "./fake-access.js";

export const TENANT = "northwind";
export const SYNC = "sync-drive";
export const ANA = "ana@northwind.test";
export const LEO = "leo@northwind.test";
export const NOBODY = "nobody@northwind.test";

/** Four small documents: deploy runbook and revenue report (private), a handbook (everyone), a pricing sheet. */
export const RECORDS = [
  {
    recordId: "rec-deploy",
    name: "Deploy to production.md",
    text: "To deploy to production, run the Release workflow in northwind/deploy. Another engineer approves the production environment. Roll back with the Rollback workflow.",
  },
  {
    recordId: "rec-revenue",
    name: "Q3 2025 financial report.pdf",
    text: "Q3 revenue was $912,400, up 7.7% on Q2. Subscription revenue was $861,900 after outage credits.",
  },
  {
    recordId: "rec-handbook",
    name: "Employee handbook.pdf",
    text: "Welcome to Northwind Labs. The deploy process and revenue figures are owned by their teams. Ask your manager about anything else.",
  },
  {
    recordId: "rec-pricing",
    name: "Pricing 2026.pdf",
    text: "Account executives may give up to 15% discount without approval. Larger discounts need the Head of Sales.",
  },
] as const;

/** A real retriever (LanceDB in a temp folder, the offline embedder) whose permissions come from a fake. */
export interface ChatWorld {
  access: FakeAccessControl;
  retriever: PermissionAwareRetriever;
  /** Wraps the retriever and counts calls, to prove a refused request never searched. */
  counting: {
    tenant: string;
    calls: number;
    retrieveWithReport(q: string, o: RetrieveOptions): Promise<RetrievalResult>;
  };
  retrieverWith(fields: Partial<PermissionAwareRetrieverFields>): PermissionAwareRetriever;
  close(): Promise<void>;
}

export async function startChatWorld(): Promise<ChatWorld> {
  const dir = await mkdtemp(join(tmpdir(), "clearance-chat-"));
  const embeddings = new HashingEmbeddings({ dimensions: 64 });
  const store = await LanceChunkStore.open({ dir, dimensions: 64 });
  const vectors = await embeddings.embedDocuments(RECORDS.map((r) => r.text));
  const chunks: ChunkInput[] = RECORDS.map((record, i) => ({
    id: chunkId({
      tenant: TENANT,
      syncId: SYNC,
      recordId: record.recordId,
      chunkIndex: 0,
      contentHash: `h-${i}`,
    }),
    tenant: TENANT,
    syncId: SYNC,
    recordId: record.recordId,
    chunkIndex: 0,
    contentHash: `h-${i}`,
    text: record.text,
    vector: vectors[i]!,
    metadata: {
      integration: "googledrive",
      externalId: `ext-${record.recordId}`,
      name: record.name,
      url: `https://drive.example.test/${record.recordId}`,
      mimeType: "text/markdown",
      updatedAt: "2026-01-01T00:00:00.000Z",
    },
  }));
  await store.upsert(chunks);
  const access = new FakeAccessControl()
    .grant(ANA, "rec-deploy")
    .grant(ANA, "rec-handbook")
    .grant(LEO, "rec-revenue")
    .grant(LEO, "rec-handbook")
    .grant(LEO, "rec-pricing");
  const retrieverWith = (fields: Partial<PermissionAwareRetrieverFields>) =>
    new PermissionAwareRetriever({
      store,
      embeddings,
      access,
      tenant: TENANT,
      k: 3,
      strategy: "post",
      decisionCacheTtlMs: 0,
      ...fields,
    });
  const retriever = retrieverWith({});
  const counting = {
    tenant: TENANT,
    calls: 0,
    retrieveWithReport(q: string, o: RetrieveOptions) {
      counting.calls += 1;
      return retriever.retrieveWithReport(q, o);
    },
  };
  return {
    access,
    retriever,
    counting,
    retrieverWith,
    close: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A JSON POST as a browser or a server-side caller would send it. */
export function chatRequest(body: unknown, headers: Record<string, string> = {}): Request {
  return new Request("http://clearance.test/api/chat", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** Reads a Server-Sent Events body into { event, data } pairs. */
export async function readSse(response: Response): Promise<{ event: string; data: unknown }[]> {
  const text = await response.text();
  return text
    .split("\n\n")
    .filter((block) => block.trim() !== "")
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? "message";
      const data = /^data: (.*)$/m.exec(block)?.[1] ?? "null";
      return { event, data: JSON.parse(data) as unknown };
    });
}

/** Identifies by the `x-user` header as a person of `TENANT` (test only). */
export const headerUser = (request: Request): Identity | undefined => {
  const user = request.headers.get("x-user");
  return user === null ? undefined : { tenant: TENANT, user };
};
