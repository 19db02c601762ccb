import type { Table } from "@lancedb/lancedb";
import { vi } from "vitest";
import type { LanceChunkStore } from "../../src/store/index.js";

// What the embedded store's tests look at beneath its port: its chunks table and its record memory.

/** The store's chunks table (private to the store). */
export function chunksTableOf(store: LanceChunkStore): Table {
  return (store as unknown as { chunks: Table }).chunks;
}

/** Counts the calls of these methods of the store's chunks table (reads a cache hit must not make). */
export function spyOnChunksTable(
  store: LanceChunkStore,
  methods: readonly ("vectorSearch" | "takeRowIds" | "query")[],
) {
  const table = chunksTableOf(store);
  const spies = methods.map((method) => vi.spyOn(table, method));
  return {
    count: () => spies.reduce((sum, spy) => sum + spy.mock.calls.length, 0),
    restore: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
}

/** Waits until the store holds the records in memory (it loads them in the background). */
export async function untilHeld(
  store: Pick<LanceChunkStore, "holdsRecords">,
  tenant: string,
  recordIds: readonly string[],
  timeout = 10_000,
): Promise<void> {
  await vi.waitFor(
    async () => {
      if (!(await store.holdsRecords(tenant, recordIds))) throw new Error("not held yet");
    },
    { timeout, interval: 10 },
  );
}

/** Waits until no load of the store is running (loads run in the background). */
export async function settled(store: LanceChunkStore): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  await vi.waitFor(
    () => {
      const inflight = (store as unknown as { inflight: Set<unknown> }).inflight;
      if (inflight.size > 0) throw new Error("still loading");
    },
    { timeout: 20_000, interval: 10 },
  );
}
