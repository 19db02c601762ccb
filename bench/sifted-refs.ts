/**
 * Sifted pages as refs, A/B in one process: the warm queries of the 10 % and 1 % readers of
 * bench/retrieval.ts's world (100k chunks, emulator over loopback), freshnessMs 0 and with the
 * permission-changes follower, through two retrievers taking turns on every query: one whose store
 * has `searchRefs`/`readChunks` (a page sifted through the allow list is searched as refs, and the
 * kept chunks are read while their records are verified) and one whose store offers only `search`.
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
const withRefs: PermissionAwareRetrieverFields["store"] = {
  search: (v, o) => s.search(v, o),
  searchRefs: (v, o) => s.searchRefs(v, o),
  readChunks: (r, sig) => s.readChunks(r, sig),
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
  `\n${world.chunks} chunks; ${QUERIES} warm queries per row after 5, the two retrievers alternating; load ${before} before the world was built\n`,
);
console.log(
  "| readable | freshness | search only: p50 ms (×unfiltered), p95 | refs: p50 ms (×unfiltered), p95 | unfiltered p50 ms | paths/permission calls |",
);
console.log("|---|---|---|---|---|---|");
for (const label of ["10%", "1%"])
  for (const follow of [false, true]) {
    const person = world.people.get(label)![0]!;
    const a = make(withRefs, follow);
    const b = make(searchOnly, follow);
    const ms: Record<string, number[]> = { refs: [], full: [] };
    const unfiltered: number[] = [];
    const paths = new Set<string>();
    const qs = Array.from({ length: QUERIES + 5 }, () => world.query());
    if (follow) await new Promise((r) => setTimeout(r, 3000));
    for (const [n, q] of qs.entries()) {
      const u0 = performance.now();
      await s.search(world.query(), { tenant: TENANT, limit: 10 });
      if (n >= 5) unfiltered.push(performance.now() - u0);
      for (const [name, r] of (n % 2
        ? [
            ["refs", a],
            ["full", b],
          ]
        : [
            ["full", b],
            ["refs", a],
          ]) as [string, PermissionAwareRetriever][]) {
        asked = q;
        const t0 = performance.now();
        const { report } = await r.retrieveWithReport("", { user: person.email });
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
      `| ${label} | ${follow ? "follower, 60 s" : "freshnessMs 0"} | ${cell(ms.full!)} | ${cell(ms.refs!)} | ${u.toFixed(1)} | ${[...paths].join(" ")} |`,
    );
    await a.flushKnowledge?.();
    await b.flushKnowledge?.();
  }
for (const f of followers) await f.close();
console.log(`\nload average ${load()} after`);
await world.close();
