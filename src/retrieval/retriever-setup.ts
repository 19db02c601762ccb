import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import type { EnforcementContext } from "./context.js";
import { newCaches } from "./enforcement-caches.js";
import { RetrievalConfigError } from "./errors.js";
import { ListCosts } from "./list-costs.js";
import { retrievalSettingsSchema } from "./options.js";
import type { PermissionAwareRetrieverFields } from "./retriever-fields.js";
import { RoundTrips } from "./round-trips.js";

/** What every view of one retriever shares (`forUser` views too): its context, store and search settings. */
export interface RetrieverShared {
  ctx: EnforcementContext;
  /** The context of member-verified views, made on first use (see `memberContext`). */
  memberCtx: EnforcementContext | undefined;
  store: PermissionAwareRetrieverFields["store"];
  embeddings: EmbeddingsInterface;
  searchType: "similarity" | "mmr";
  mmr: { fetchK: number; lambda: number };
}

/** Checks the constructor's fields and resolves them into what every view of the retriever shares. */
export function buildShared(fields: PermissionAwareRetrieverFields): RetrieverShared {
  const parsed = retrievalSettingsSchema.safeParse(fields);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RetrievalConfigError(
      `retriever option ${issue?.path.join(".") || "?"}: ${issue?.message ?? "invalid"}`,
      { cause: parsed.error },
    );
  }
  const settings = parsed.data;
  if (!fields.tenant || fields.tenant.trim() === "") {
    throw new RetrievalConfigError(
      "retriever option tenant is empty: set it to the Connected User id whose chunks to search",
    );
  }
  if (settings.strategy === "pre" && !fields.syncIds) {
    throw new RetrievalConfigError("strategy pre needs syncIds (the tenant's syncs to list objects in)");
  }
  const fetchK = fields.mmr?.fetchK ?? 20;
  const lambda = fields.mmr?.lambda ?? 0.5;
  // fetchK is the k of the enforced search: past k's own bound of 1,000 its pages outgrow the store's.
  if (!(Number.isInteger(fetchK) && fetchK > 0 && fetchK <= 1_000) || !(lambda >= 0 && lambda <= 1)) {
    throw new RetrievalConfigError(
      `mmr.fetchK must be an integer from 1 to 1000 (got ${fetchK}) and mmr.lambda within [0, 1] (got ${lambda})`,
    );
  }
  const syncIds = fields.syncIds;
  return {
    ctx: {
      tenant: fields.tenant,
      access: fields.access,
      settings,
      ...newCaches(settings, fields.tenant, fields.store),
      syncIds:
        syncIds === undefined ? undefined : typeof syncIds === "function" ? syncIds : async () => syncIds,
      changes: fields.changes,
      onUnnamedSync: fields.onUnnamedSync,
      roundTrips: new RoundTrips(fields.roundTrips),
      listCosts: new ListCosts(),
    },
    memberCtx: undefined,
    store: fields.store,
    embeddings: fields.embeddings,
    searchType: fields.searchType ?? "similarity",
    mmr: { fetchK, lambda },
  };
}
