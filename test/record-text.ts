import type { ChunkStore } from "../src/store/index.js";

/** A record's stored text: its chunks, in order, joined by newlines (a search filtered to it). */
export async function recordText(
  store: Pick<ChunkStore, "search">,
  embeddings: { embedQuery(text: string): Promise<number[]> },
  record: { tenant: string; syncId: string; recordId: string },
): Promise<string> {
  const hits = await store.search(await embeddings.embedQuery("x"), {
    tenant: record.tenant,
    syncIds: [record.syncId],
    recordIds: [record.recordId],
    limit: 1_000,
  });
  return hits
    .sort((a, b) => a.chunk.chunkIndex - b.chunk.chunkIndex)
    .map((hit) => hit.chunk.text)
    .join("\n");
}
