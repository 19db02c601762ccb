import { type ChunkInput, chunkId } from "../store/index.js";
import type { PageContext } from "./page.js";
import type { PreparedContent } from "./prepare.js";

/**
 * The page's new chunks with their vectors, at most `perWrite` at a time, in order. A page of long
 * documents can hold hundreds of thousands of chunks; their vectors all at once (1,536 numbers each,
 * ~17 KB as a JavaScript array) outgrew the heap: 50k took 834 MB, and one 120 KB PDF repeating a
 * page made 20,000 chunks (review28). One slice's vectors are held at a time instead.
 *
 * @example for await (const chunks of embeddedSlices(contents, context, 2_000)) await store.upsert(chunks);
 */
export async function* embeddedSlices(
  contents: readonly PreparedContent[],
  context: Pick<PageContext, "tenant" | "sync" | "meter">,
  perWrite: number,
): AsyncGenerator<ChunkInput[]> {
  let slice: ChunkOf[] = [];
  for (const content of contents) {
    for (const chunk of content.chunks) {
      slice.push({ content, chunk });
      if (slice.length < perWrite) continue;
      yield await embedded(slice, context);
      slice = [];
    }
  }
  if (slice.length > 0) yield await embedded(slice, context);
}

type ChunkOf = { content: PreparedContent; chunk: PreparedContent["chunks"][number] };

async function embedded(
  slice: readonly ChunkOf[],
  context: Pick<PageContext, "tenant" | "sync" | "meter">,
): Promise<ChunkInput[]> {
  const vectors = await context.meter.embed(slice.map(({ chunk }) => chunk.text));
  const { tenant, sync } = context;
  return slice.map(({ content, chunk }, i) => ({
    id: chunkId({
      tenant,
      syncId: sync.id,
      recordId: content.recordId,
      chunkIndex: chunk.chunkIndex,
      contentHash: content.contentHash,
    }),
    tenant,
    syncId: sync.id,
    recordId: content.recordId,
    chunkIndex: chunk.chunkIndex,
    contentHash: content.contentHash,
    text: chunk.text,
    metadata: chunk.page === undefined ? content.metadata : { ...content.metadata, page: chunk.page },
    vector: vectors[i]!,
  }));
}
