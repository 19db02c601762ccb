// Run as a child process by crash.test.ts: ingests into a store folder and SIGKILLs itself at
// step `killAt`, a step being a progress event or the moment just before a store write.
import { BatchedEmbeddings, HashingEmbeddings } from "../../src/embeddings/index.js";
import { ingest } from "../../src/ingest/index.js";
import { ManagedSyncClient } from "../../src/managed-sync/index.js";
import { LanceChunkStore } from "../../src/store/index.js";
import { withWriteSteps } from "./kill-points.js";

const args = JSON.parse(process.argv[2] ?? "{}") as {
  url: string;
  token: string;
  storeDir: string;
  tenant: string;
  dimensions: number;
  pageSize: number;
  killAt: number;
};
let steps = 0;
const step = (what: string) => {
  steps++;
  process.stdout.write(`${steps} ${what}\n`);
  if (steps === args.killAt) process.kill(process.pid, "SIGKILL");
};
const store = await LanceChunkStore.open({ dir: args.storeDir, dimensions: args.dimensions });
const report = await ingest({
  client: new ManagedSyncClient({ baseUrl: args.url, auth: { token: args.token } }),
  store: withWriteSteps(store, step),
  embeddings: new BatchedEmbeddings(new HashingEmbeddings({ dimensions: args.dimensions }), { batchSize: 4 }),
  tenant: args.tenant,
  pageSize: args.pageSize,
  // The same holder as the rerun, so the rerun takes the dead run's lease at once.
  holder: "crash-test",
  onProgress: (event) => step(event.type),
});
await store.close();
process.stdout.write(`finished ${report.ok ? "ok" : JSON.stringify(report.error ?? report.failures)}\n`);
