import { performance } from "node:perf_hooks";
import { ManagedSyncAccessControl } from "../src/access/index.js";
import { ManagedSyncClient } from "../src/managed-sync/index.js";
import { buildWorld, TENANT } from "./retrieval-world.js";

const world = await buildWorld(25_000, 2);
const client = new ManagedSyncClient({
  baseUrl: world.emu.url,
  auth: { token: world.emu.token },
});
const access = new ManagedSyncAccessControl({ permissions: client.permissions });
const time = async (label: string, f: () => Promise<unknown>) => {
  const ts: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t = performance.now();
    await f();
    ts.push(performance.now() - t);
  }
  ts.sort((a, b) => a - b);
  console.log(label, ts.map((t) => t.toFixed(1)).join(" "));
};
await time("getState", () => world.store.getState("allow-rate:bench", "can_read:nobody@x"));
for (const [label, people] of world.people) {
  const p = people[0]!;
  await time(`list ${label}`, () => access.listObjects(p.email, "can_read", world.syncId));
  const ids = [...p.allowed].slice(0, 30);
  await time(`batch30 ${label}`, () =>
    access.batchCheck(
      p.email,
      ids.map((recordId) => ({ syncId: world.syncId, recordId })),
      "can_read",
    ),
  );
}
const q = world.query();
await time("search 10", () => world.store.search(q, { tenant: TENANT, limit: 10 }));
await time("search 30", () => world.store.search(q, { tenant: TENANT, limit: 30 }));
await time("search 150", () => world.store.search(q, { tenant: TENANT, limit: 150 }));
for (const [label, people] of world.people) {
  const ids = [...people[0]!.allowed];
  if (ids.length > 5000) continue;
  await time(`search ids ${label} (${ids.length})`, () =>
    world.store.search(q, { tenant: TENANT, limit: 10, recordIds: ids }),
  );
}
await world.close();
