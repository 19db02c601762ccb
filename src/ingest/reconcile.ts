import type { ChunkStore } from "../store/index.js";
import { isPlaceholder } from "./version-marks.js";

// Deletes go out in batches so one filter expression never names millions of ids.
const DELETE_BATCH = 500;

/**
 * Full mode's last step: removes the chunks and versions of every record the store holds for this
 * sync but the complete pull did not return. Only ids are held in memory, never record contents.
 * `beforeWrite` runs before each batch of deletes (the sync lease's check).
 *
 * @returns how many records were removed; a placeholder (a crashed run's unfinished first write)
 *   is removed too but not counted, as it was never an indexed record
 */
export async function reconcile(
  store: ChunkStore,
  tenant: string,
  syncId: string,
  seen: ReadonlySet<string>,
  beforeWrite: () => Promise<void> = async () => undefined,
): Promise<number> {
  // Collect first, delete after: deleting while the store pages through the same table could skip rows.
  const gone: string[] = [];
  let records = 0;
  for await (const version of store.recordVersions(tenant, syncId)) {
    if (seen.has(version.recordId)) continue;
    gone.push(version.recordId);
    if (!isPlaceholder(version)) records++;
  }
  for (let start = 0; start < gone.length; start += DELETE_BATCH) {
    const batch = gone.slice(start, start + DELETE_BATCH);
    await beforeWrite();
    // Chunks before versions: a crash in between leaves a version whose record the next full run deletes again.
    await store.deleteByRecord(tenant, syncId, batch);
    await store.deleteRecordVersions(tenant, syncId, batch);
  }
  return records;
}
