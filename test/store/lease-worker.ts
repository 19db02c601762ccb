// Child process for lancedb.test.ts: races a sibling process for leases on a shared store folder,
// in lockstep driven by the test. It prints `ready` once its store is open; then each `go <round>`
// line on stdin makes it try that round's lease at once and answer `round <n> won|lost`; at the end
// of stdin it closes the store and exits. The test sends `go` to both processes only when both
// have answered the previous round, so every round's two merges start together and really
// collide, however slowly either process started (no wall-clock start time to miss under load).
import { createInterface } from "node:readline";
import { LanceChunkStore } from "../../src/store/index.js";

const [dir, holder] = process.argv.slice(2);
const store = await LanceChunkStore.open({ dir: dir!, dimensions: 8 });
process.stdout.write("ready\n");
for await (const line of createInterface({ input: process.stdin })) {
  const round = /^go (\d+)$/.exec(line)?.[1];
  if (round === undefined) break;
  const won = await store.acquireLease(`race-${round}`, holder!, 60_000);
  process.stdout.write(`round ${round} ${won ? "won" : "lost"}\n`);
}
await store.close();
