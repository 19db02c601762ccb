import { preciseNow } from "../../../src/access/index.js";
import { PermissionFollower } from "../../../src/freshness/index.js";
import {
  createManagedSyncRetriever,
  type PermissionAwareRetriever,
  type RetrievalSettingsInput,
} from "../../../src/retrieval/index.js";
import type { World } from "../../retrieval/helpers/emulator-world.js";

/**
 * A northwind retriever trusting its caches for 60 s while a permission-changes follower over the
 * world's emulator proves them (`store`: the follower keeps its feed positions there; `settings`:
 * more of the retriever's).
 */
export function followedRetriever(
  world: World,
  options: {
    strategy: "auto" | "post" | "pre";
    k: number;
    intervalMs: number;
    store?: boolean;
    settings?: RetrievalSettingsInput;
  },
): { retriever: PermissionAwareRetriever; follower: PermissionFollower } {
  let retriever: PermissionAwareRetriever | undefined;
  const follower = new PermissionFollower({
    readerFor: () => world.client.permissions,
    invalidate: (_tenant, scope) => retriever?.invalidate(scope),
    ...(options.store ? { store: world.store } : {}),
    intervalMs: options.intervalMs,
  });
  retriever = createManagedSyncRetriever({
    client: world.client,
    store: world.store,
    embeddings: world.embeddings,
    tenant: "northwind",
    k: options.k,
    strategy: options.strategy,
    freshnessMs: 60_000,
    changes: follower.forTenant("northwind"),
    ...options.settings,
  });
  return { retriever, follower };
}

/**
 * Until the follower of `syncId` (of every followed sync, without one) has read its feed to the end
 * after `after`, on the follower's own clock (preciseNow): Date.now() can run a millisecond or two
 * behind it, and then a read sent just BEFORE a change passed for one after it (concurrent-revocations
 * saw a leak that was this, once in a loaded full run).
 */
export async function caughtUp(
  follower: PermissionFollower,
  after = preciseNow(),
  syncId?: string,
): Promise<void> {
  for (;;) {
    const statuses = follower.status().filter((s) => syncId === undefined || s.syncId === syncId);
    if (statuses.length > 0 && statuses.every((s) => (s.caughtUpAt ?? 0) > after)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
