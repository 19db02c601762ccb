/**
 * Sifted pages as refs, A/B/C in one process: the warm queries of the 10 % and 1 % readers of
 * bench/retrieval.ts's world (100k chunks, emulator over loopback), freshnessMs 0 and with the
 * permission-changes follower, through three retrievers taking turns on every query: one whose
 * store offers only `search`, one with `searchRefs`/`readChunks` on a store opened with its chunk
 * cache off (`chunkCacheEntries: 0`: every kept chunk is taken from the table), and one on the
 * world's store, whose `readChunks` serves chunks it read before from memory while the chunks
 * table is unchanged. Each query list runs twice: "new" queries (any cache hit is a chunk an
 * earlier query also kept) and the "same again" (the list repeated: every kept chunk was read).
 * Ratios are to unfiltered searches (limit 10) interleaved with them.
 *
 *   flock /work/coord/heavy.lock npx tsx bench/sifted-refs.ts [queries]
 */
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { ManagedSyncAccessControl, SyncCatalog } from "../src/access/index.js";
import { PermissionFollower } from "../src/freshness/index.js";
import { ManagedSyncClient } from "../src/managed-sync/index.js";
import { PermissionAwareRetriever, type PermissionAwareRetrieverFields } from "../src/retrieval/index.js";
import { LanceChunkStore } from "../src/store/index.js";
import { buildWorld, TENANT } from "./retrieval-world.js";

const QUERIES = Number(process.argv[2] ?? 150);
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
const pct = (a: number[], p: number) => [...a].sort((x, y) => x - y)[Math.floor((a.length * p) / 100)]!;
const before = load();
const world = await buildWorld(25_000, 2);
const client = new ManagedSyncClient({ baseUrl: world.emu.url, auth: { token: world.emu.token } });
const catalog = new SyncCatalog(client.syncs);
const access = new ManagedSyncAccessControl({
  permissions: client.permissions,
  syncKind: (id, s) => catalog.kind(id, s),
});
const s = world.store;
const uncached = await LanceChunkStore.open({
  dir: world.dir,
  dimensions: s.dimensions,
  chunkCacheEntries: 0,
});
// Time inside readChunks per store (the kept chunks' read), and the refs it was asked for.
const readStats = new Map<LanceChunkStore, { ms: number[]; refs: number }>();
const refsOf = (store: LanceChunkStore): PermissionAwareRetrieverFields["store"] => {
  const stats = { ms: [] as number[], refs: 0 };
  readStats.set(store, stats);
  return {
    search: (v, o) => store.search(v, o),
    searchRefs: (v, o) => store.searchRefs(v, o),
    readChunks: async (r, sig) => {
      const t0 = performance.now();
      const read = await store.readChunks(r, sig);
      stats.ms.push(performance.now() - t0);
      stats.refs += r.length;
      return read;
    },
  };
};
const searchOnly: PermissionAwareRetrieverFields["store"] = { search: (v, o) => s.search(v, o) };
const followers: PermissionFollower[] = [];
let asked: ArrayLike<number> = [];
const make = (store: PermissionAwareRetrieverFields["store"], follow: boolean) => {
  let r: PermissionAwareRetriever | undefined;
  const follower = follow
    ? new PermissionFollower({
        readerFor: () => client.permissions,
        invalidate: (_t, scope) => r?.invalidate(scope),
        store: s,
        intervalMs: 1_000,
      })
    : undefined;
  if (follower) followers.push(follower);
  r = new PermissionAwareRetriever({
    store,
    embeddings: { embedQuery: async () => Array.from(asked), embedDocuments: async () => [] },
    access,
    tenant: TENANT,
    syncIds: (signal) => catalog.syncIds(signal),
    k: 10,
    freshnessMs: follow ? 60_000 : 0,
    ...(follower ? { changes: follower.forTenant(TENANT) } : {}),
  });
  return r;
};
console.log(
  `\n${world.chunks} chunks; ${QUERIES} warm queries per row after 5, the three retrievers taking turns; load ${before} before the world was built\n`,
);
console.log(
  "| readable | freshness | queries | search only: p50 ms (×unfiltered), p95 | refs, no cache | refs + cache | unfiltered p50 ms | paths/permission calls |",
);
console.log("|---|---|---|---|---|---|---|---|");
const VARIANTS = ["full", "refs", "cached"] as const;
const readLines: string[] = [];
for (const label of ["10%", "1%"])
  for (const follow of [false, true]) {
    const person = world.people.get(label)![0]!;
    const retrievers = {
      full: make(searchOnly, follow),
      refs: make(refsOf(uncached), follow),
      cached: make(refsOf(s), follow),
    };
    const qs = Array.from({ length: QUERIES + 5 }, () => world.query());
    if (follow) await new Promise((r) => setTimeout(r, 3000));
    for (const pass of ["new", "same again"]) {
      const ms: Record<string, number[]> = { full: [], refs: [], cached: [] };
      for (const stats of readStats.values()) {
        stats.ms = [];
        stats.refs = 0;
      }
      const unfiltered: number[] = [];
      const paths = new Set<string>();
      for (const [n, q] of qs.entries()) {
        const u0 = performance.now();
        await s.search(world.query(), { tenant: TENANT, limit: 10 });
        if (n >= 5) unfiltered.push(performance.now() - u0);
        for (let i = 0; i < VARIANTS.length; i++) {
          const name = VARIANTS[(n + i) % VARIANTS.length]!;
          asked = q;
          const t0 = performance.now();
          const { report } = await retrievers[name].retrieveWithReport("", { user: person.email });
          if (n >= 5) {
            ms[name]!.push(performance.now() - t0);
            paths.add(`${name}:${report.strategy}/${report.permissionCalls}`);
          }
        }
      }
      const u = pct(unfiltered, 50);
      const cell = (times: number[]) =>
        `${pct(times, 50).toFixed(1)} (${(pct(times, 50) / u).toFixed(2)}×), ${pct(times, 95).toFixed(1)}`;
      console.log(
        `| ${label} | ${follow ? "follower, 60 s" : "freshnessMs 0"} | ${pass} | ${cell(ms.full!)} | ${cell(ms.refs!)} | ${cell(ms.cached!)} | ${u.toFixed(1)} | ${[...paths].join(" ")} |`,
      );
      const reads = [uncached, s].map((store) => {
        const { ms: times, refs } = readStats.get(store)!;
        return times.length === 0
          ? "no reads"
          : `${times.length} reads of ${(refs / times.length).toFixed(1)} refs, p50 ${pct(times, 50).toFixed(2)} ms`;
      });
      readLines.push(
        `| ${label} | ${follow ? "follower" : "freshnessMs 0"} | ${pass} | ${reads.join(" | ")} |`,
      );
    }
    for (const r of Object.values(retrievers)) await r.flushKnowledge?.();
  }
console.log(
  "\n| readable | freshness | queries | readChunks, no cache | readChunks + cache |\n|---|---|---|---|---|",
);
for (const line of readLines) console.log(line);
for (const f of followers) await f.close();
console.log(`\nload average ${load()} after`);
await uncached.close();
await world.close();
