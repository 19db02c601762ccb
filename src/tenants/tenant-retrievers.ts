import type { CallbackManagerForRetrieverRun } from "@langchain/core/callbacks/manager";
import type { Document } from "@langchain/core/documents";
import { BaseRetriever } from "@langchain/core/retrievers";
import { ensureConfig, type RunnableConfig } from "@langchain/core/runnables";
import { LRUCache } from "lru-cache";
import type { Invalidation } from "../access/index.js";
import {
  type PermissionAwareRetriever,
  RetrievalConfigError,
  type RetrievedChunkMetadata,
} from "../retrieval/index.js";
import { NoTenantError, UnknownTenantError } from "./errors.js";

/** Anything that hands out the retriever serving one tenant: `TenantRetrievers`, or `singleTenant(retriever)`. */
export interface RetrieverSource<R> {
  /** The tenant's retriever; throws `UnknownTenantError` for a tenant this source does not serve. */
  forTenant(tenant: string): R;
}

export interface TenantRetrieversOptions {
  /** Builds a tenant's retriever on its first use (e.g. over one shared store and embeddings). */
  create: (tenant: string) => PermissionAwareRetriever;
  /** Retrievers (and so their caches) held at once; the least recently used is dropped (default 100). */
  maxTenants?: number;
  /** Tenants this deployment serves; others get `UnknownTenantError`. Default: any tenant. */
  isKnown?: (tenant: string) => boolean;
}

/**
 * The per-tenant retrievers of one deployment, created lazily and held in a bounded LRU: memory
 * does not grow with the number of tenants that ever asked, since each retriever owns its caches
 * and a dropped one takes them along (the next request starts cold, never stale). Also a
 * LangChain retriever: `invoke(query, { configurable: { tenant, user } })`.
 *
 * @example
 * const retrievers = new TenantRetrievers({ create: (tenant) => createManagedSyncRetriever({ client: clients.forTenant(tenant), store, embeddings, tenant }) });
 * const docs = await retrievers.forTenant("northwind").forUser("ana@northwind.test").invoke("Q3 roadmap");
 */
export class TenantRetrievers
  extends BaseRetriever<RetrievedChunkMetadata>
  implements RetrieverSource<PermissionAwareRetriever>
{
  static override lc_name(): string {
    return "TenantRetrievers";
  }

  lc_namespace = ["clearance", "retrievers"];

  readonly #create: (tenant: string) => PermissionAwareRetriever;
  readonly #isKnown: ((tenant: string) => boolean) | undefined;
  readonly #held: LRUCache<string, PermissionAwareRetriever>;
  /** Evicted retrievers' writes still going: flushKnowledge() (and so closing the store) waits for them. */
  readonly #evictedFlushes = new Set<Promise<void>>();
  /**
   * Retrievers dropped from the LRU, by tenant, while a caller may still hold one (a request that
   * got it before it was dropped): they still get their tenant's invalidations, or their caches
   * would be trusted stale (a follower vouches for every cache of the tenant). Weak: a retriever
   * nobody holds goes with its caches.
   */
  readonly #evicted = new Map<string, Set<WeakRef<PermissionAwareRetriever>>>();

  constructor(options: TenantRetrieversOptions) {
    super();
    const max = options.maxTenants ?? 100;
    if (!(Number.isInteger(max) && max > 0)) {
      throw new RetrievalConfigError(`maxTenants must be a positive integer (got ${max})`);
    }
    this.#create = options.create;
    this.#isKnown = options.isKnown;
    this.#held = new LRUCache({
      max,
      // An evicted tenant's learnt allow rates would otherwise wait for a timer on a retriever nobody holds.
      dispose: (retriever, tenant) => {
        const refs = this.#evicted.get(tenant) ?? new Set();
        refs.add(new WeakRef(retriever));
        this.#evicted.set(tenant, refs);
        const flushing = retriever.flushKnowledge().catch(() => undefined);
        this.#evictedFlushes.add(flushing);
        void flushing.finally(() => this.#evictedFlushes.delete(flushing));
      },
    });
  }

  /** The tenant's retriever, created on first use. Throws `UnknownTenantError` for a tenant not served. */
  forTenant(tenant: string): PermissionAwareRetriever {
    if (tenant.trim() === "") throw new NoTenantError();
    // Asked every time, not only at creation: a tenant removed since (a registry refreshed after
    // a customer left) must stop being served by the retriever already held for it.
    if (this.#isKnown && !this.#isKnown(tenant)) {
      this.#held.delete(tenant);
      throw new UnknownTenantError(tenant);
    }
    const held = this.#held.get(tenant);
    if (held) return held;
    const retriever = this.#create(tenant);
    if (retriever.tenant !== tenant) {
      // A factory that ignores its argument would serve one tenant's chunks under another's name.
      throw new RetrievalConfigError(
        `create("${tenant}") returned a retriever for tenant ${retriever.tenant}`,
      );
    }
    this.#held.set(tenant, retriever);
    return retriever;
  }

  /** The tenant's retriever if one is held now (no creation, no recency bump). */
  peek(tenant: string): PermissionAwareRetriever | undefined {
    return this.#held.peek(tenant);
  }

  /** Tenants whose retrievers are held now, most recently used first. */
  heldTenants(): string[] {
    return [...this.#held.keys()];
  }

  /**
   * A record's content or sharing changed in one tenant's sync: forget what that tenant's caches
   * know about it. A tenant without a held retriever has no caches to clear.
   */
  onPermissionChange(tenant: string, syncId: string, recordId: string): void {
    this.invalidate(tenant, { syncId, recordId });
  }

  /**
   * Forgets whatever a permission change in `scope` of one tenant may have made stale (one record,
   * one subject's view of a sync, or a whole sync): the permission-changes follower's entry point.
   */
  invalidate(tenant: string, scope: Invalidation): void {
    this.#held.peek(tenant)?.invalidate(scope);
    for (const retriever of this.#stillHeld(tenant)) retriever.invalidate(scope);
  }

  /** Forgets everything one tenant's caches know about one person (e.g. they left a group). */
  invalidateSubject(tenant: string, user: string): void {
    this.#held.peek(tenant)?.invalidateSubject(user);
    for (const retriever of this.#stillHeld(tenant)) retriever.invalidateSubject(user);
  }

  /** The tenant's evicted retrievers still alive; those collected are forgotten. */
  #stillHeld(tenant: string): PermissionAwareRetriever[] {
    const refs = this.#evicted.get(tenant);
    if (!refs) return [];
    const live: PermissionAwareRetriever[] = [];
    for (const ref of refs) {
      const retriever = ref.deref();
      if (retriever) live.push(retriever);
      else refs.delete(ref);
    }
    if (refs.size === 0) this.#evicted.delete(tenant);
    return live;
  }

  /**
   * Writes what every held retriever learnt about people (allow rates, list sizes) to the store's
   * state now instead of about a second later: before the store closes.
   */
  async flushKnowledge(): Promise<void> {
    await Promise.all([
      ...[...this.#held.values()].map((retriever) => retriever.flushKnowledge()),
      ...this.#evictedFlushes,
    ]);
  }

  /** Drops every held retriever (and its caches). */
  clear(): void {
    this.#held.clear();
  }

  /**
   * LangChain entry point: the tenant is `configurable.tenant`, the person `configurable.user`
   * (and `configurable.member: true` when your sign-in verified them as one of the tenant's).
   * Without a tenant it throws `NoTenantError` (never a default tenant).
   */
  override async invoke(
    input: string,
    options?: RunnableConfig,
  ): Promise<Document<RetrievedChunkMetadata>[]> {
    const config = ensureConfig(options);
    const tenant = config.configurable?.tenant;
    if (typeof tenant !== "string" || tenant.trim() === "") throw new NoTenantError();
    return this.forTenant(tenant.trim()).invoke(input, config);
  }

  /** A multi-tenant retriever cannot pick a tenant by itself: use `invoke` with `configurable.tenant`. */
  override async _getRelevantDocuments(
    _query: string,
    _runManager?: CallbackManagerForRetrieverRun,
  ): Promise<Document<RetrievedChunkMetadata>[]> {
    throw new NoTenantError();
  }
}

/**
 * One retriever as a source of one tenant: the single-tenant setup is a registry of one, and a
 * request for any other tenant is refused.
 *
 * @example createChatHandler({ retrievers: singleTenant(retriever), identify });
 */
export function singleTenant<R extends { readonly tenant: string }>(retriever: R): RetrieverSource<R> {
  return {
    forTenant(tenant) {
      if (tenant !== retriever.tenant) throw new UnknownTenantError(tenant);
      return retriever;
    },
  };
}
