// Child process for lancedb-lease.test.ts: races for leases on a shared store folder in lockstep
// with a sibling process and prints which rounds it won.
import { LanceChunkStore } from "../../src/store/index.js";

const [dir, holder, startAt, rounds] = process.argv.slice(2);
const store = await LanceChunkStore.open({ dir: dir!, dimensions: 8 });
const wins: number[] = [];
for (let round = 0; round < Number(rounds); round++) {
  // Both processes fire at the same wall-clock instant, so their merges really collide.
  const at = Number(startAt) + round * 150;
  while (Date.now() < at) await new Promise((r) => setTimeout(r, 1));
  if (await store.acquireLease(`race-${round}`, holder!, 60_000)) wins.push(round);
}
await store.close();
process.stdout.write(JSON.stringify(wins));
