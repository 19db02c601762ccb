import type { CandidateSource, SiftedSource } from "./candidates.js";
import { StoreCrossedTenantError } from "./errors.js";

// Every page is searched with the tenant as a filter, so a hit of another tenant means the store
// ignored it. Permissions are decided per sync and record, not per tenant, so nothing further down
// would catch it: the query fails here, before any of the page is used.

/** The source's pages, failing on any hit outside `tenant` (a store that ignores the tenant filter). */
export function keepToTenant(source: CandidateSource, tenant: string): CandidateSource {
  return async (page) => {
    const hits = await source(page);
    for (const { chunk } of hits) requireTenant(tenant, chunk.tenant, chunk.id);
    return hits;
  };
}

/** {@link keepToTenant} for refs: the chunks read back are checked against their refs already. */
export function keepSiftedToTenant(
  sifted: SiftedSource | undefined,
  tenant: string,
): SiftedSource | undefined {
  if (!sifted) return undefined;
  return {
    refs: async (page) => {
      const hits = await sifted.refs(page);
      for (const { ref } of hits) requireTenant(tenant, ref.tenant, ref.id);
      return hits;
    },
    chunks: (refs, signal) => sifted.chunks(refs, signal),
  };
}

function requireTenant(tenant: string, chunkTenant: string, chunkId: string): void {
  if (chunkTenant !== tenant) throw new StoreCrossedTenantError(tenant, chunkTenant, chunkId);
}
