import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import type { BaseRetrieverInput } from "@langchain/core/retrievers";
import type { AccessControl, ChangeCoverage } from "../access/index.js";
import type { ChunkStore } from "../store/index.js";
import type { RetrievalSettingsInput } from "./options.js";
import type { UnnamedSync } from "./report.js";
import type { RoundTrips } from "./round-trips.js";

export interface PermissionAwareRetrieverFields extends BaseRetrieverInput, RetrievalSettingsInput {
  /**
   * Where chunks are searched. When it also keeps named state (every `ChunkStore` does), what is
   * learnt about each person (allow rate, list sizes) is kept there, so a person is a stranger
   * once across restarts and replicas. When it can also search refs (every `ChunkStore` can), a
   * page sifted through an allow list reads whole only the chunks it keeps. When it holds records
   * in memory (the embedded store does), a person's allow list is searched there, exactly.
   */
  store: Pick<ChunkStore, "search"> &
    Partial<
      Pick<
        ChunkStore,
        "searchRefs" | "readChunks" | "holdsRecords" | "loadRecords" | "getState" | "putState" | "listState"
      >
    >;
  embeddings: EmbeddingsInterface;
  access: AccessControl;
  /** The Connected User whose chunks are searched; every store call is ANDed with it. */
  tenant: string;
  /**
   * The permission-changes follower's proof for this tenant (`follower.forTenant(tenant)`). With it
   * and `freshnessMs > 0`, cached evidence is used only while the follower proves it current.
   */
  changes?: ChangeCoverage;
  /** The tenant's syncs, for pre-filtering (list-objects per sync). Without it only post-filter runs. */
  syncIds?: readonly string[] | ((signal?: AbortSignal) => Promise<readonly string[]>);
  /**
   * Round trips measured by every retriever of a deployment (one `new RoundTrips()` passed to each
   * tenant's): whether a stranger's first query searches the larger page first is then known from
   * a new retriever's first stranger on. Share one only between retrievers of one Permissions API
   * and one store. Default: this retriever's own measurements alone.
   */
  roundTrips?: RoundTrips;
  /**
   * Told of each record sync a query's report names in `unnamedSyncs` (no record policy rule names
   * it, so its records ranked and were denied), every such query: a server logs it once per sync.
   * A hook that throws is ignored.
   */
  onUnnamedSync?: (sync: UnnamedSync) => void;
  /** `mmr` fetches `fetchK` allowed candidates through the same enforcement, then picks k diverse ones. */
  searchType?: "similarity" | "mmr";
  mmr?: { fetchK?: number; lambda?: number };
}

/** Per-call options of `retrieveWithReport`. */
export interface RetrieveOptions {
  /** Who asks (an email). Required unless the retriever is a `forUser` view. */
  user?: string;
  /**
   * The caller's identity path verified `user` as a member of this retriever's tenant (a signed
   * token naming the tenant): the `tenant` record policy allows on it. Never set it from a claim
   * the user controls.
   */
  member?: boolean;
  signal?: AbortSignal;
  /** Overrides the retriever's k for this call. */
  k?: number;
}
