import { afterEach, beforeEach } from "vitest";
import type { ChunkStore } from "../../src/store/index.js";
import type { StoreHarness } from "./contract.js";

/** A fresh store per test (call in a `describe`), closed and disposed after it. */
export function freshStorePerTest(makeStore: () => Promise<StoreHarness>): () => ChunkStore {
  let h: StoreHarness;
  beforeEach(async () => {
    h = await makeStore();
  });
  afterEach(async () => {
    await h.store.close();
    await h.dispose();
  });
  return () => h.store;
}
