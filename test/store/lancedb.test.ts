import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LanceChunkStore } from "../../src/store/index.js";
import { CONTRACT_DIMENSIONS, runChunkStoreContract } from "./contract.js";

runChunkStoreContract("LanceDB", async () => {
  const dir = await mkdtemp(join(tmpdir(), "clearance-lance-"));
  const open = () => LanceChunkStore.open({ dir, dimensions: CONTRACT_DIMENSIONS });
  return { store: await open(), openPeer: open, dispose: () => rm(dir, { recursive: true, force: true }) };
});
