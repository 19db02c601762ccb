import { type Chunk, isChunkOf } from "../store/index.js";
import type { Candidate } from "./candidates.js";
import type { QueryRun } from "./context.js";
import { noteError } from "./decide.js";

/**
 * The chunks of the round's candidates that came without theirs (from a sifted page), by id. The
 * store returns only the chunk a ref names; checked again here, as a leak is fatal and a custom
 * store may get it wrong: a chunk of another tenant, sync or record than its ref is dropped and
 * reported as an item error (a store that keeps the contract never does it, so dropping it
 * silently would hide a broken store behind answers short of k). An absent chunk was deleted
 * since the search: nothing to report, the next candidate takes its place.
 */
export async function readUnread(
  run: QueryRun,
  round: readonly Candidate[],
): Promise<ReadonlyMap<string, Chunk>> {
  const { sifted } = run;
  const unread = round.filter((hit) => hit.chunk === undefined).map((hit) => hit.ref);
  if (unread.length === 0 || !sifted) return new Map();
  const read = await sifted.chunks(unread, run.signal);
  const exact = new Map<string, Chunk>();
  for (const ref of unread) {
    const chunk = read.get(ref.id);
    if (chunk === undefined) continue;
    if (isChunkOf(chunk, ref)) {
      exact.set(ref.id, chunk);
    } else {
      noteError(
        run,
        ref,
        "the store's readChunks returned another chunk than the one searched (its id, tenant, sync or record differ): left out; a ChunkStore must return exactly the chunk a ref names, or none",
      );
    }
  }
  return exact;
}
