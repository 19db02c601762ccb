import { CallbackManager, type CallbackManagerForRetrieverRun } from "@langchain/core/callbacks/manager";
import type { Document } from "@langchain/core/documents";
import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import { BaseRetriever, type BaseRetrieverInput } from "@langchain/core/retrievers";
import { ensureConfig, type RunnableConfig } from "@langchain/core/runnables";
import {
  type AccessControl,
  AllowSetCache,
  type ChangeCoverage,
  DecisionCache,
  type Invalidation,
  type KnowledgeState,
  normalizeSubject,
  type ObjectRef,
  SubjectKnowledge,
} from "../access/index.js";
import type { ChunkStore, ScoredChunk } from "../store/index.js";
import { type CandidateSource, storeHeldRecords, vectorSiftedSource, vectorSource } from "./candidates.js";
import type { EnforcementContext } from "./context.js";
import { type RetrievedChunkMetadata, toDocument } from "./documents.js";
import { enforce } from "./enforce.js";
import { NoSubjectError, RetrievalConfigError } from "./errors.js";
import { memberContext } from "./member-context.js";
import { selectByMmr } from "./mmr.js";
import { type RetrievalSettings, type RetrievalSettingsInput, retrievalSettingsSchema } from "./options.js";
import { readRecord } from "./read-record.js";
import { policyAllows } from "./record-policies.js";
import type { RetrievalReport } from "./report.js";
import { resolveSubject } from "./subject.js";

/** The name of the custom callback event carrying each call's `RetrievalReport`. */
export const RETRIEVAL_REPORT_EVENT = "clearance_retrieval_report";

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

export interface RetrievalResult {
  documents: Document<RetrievedChunkMetadata>[];
  report: RetrievalReport;
}

interface Shared {
  ctx: EnforcementContext;
  /** The context of member-verified views, made on first use (see `memberContext`). */
  memberCtx: EnforcementContext | undefined;
  store: PermissionAwareRetrieverFields["store"];
  embeddings: EmbeddingsInterface;
  searchType: "similarity" | "mmr";
  mmr: { fetchK: number; lambda: number };
}

class BoundView {
  constructor(
    readonly shared: Shared,
    readonly user: string,
    readonly member: boolean,
  ) {}
}

/**
 * A LangChain retriever that returns, for the person asking, the k most relevant chunks they may
 * read in the source system: not fewer when k exist, never one they may not. Built once per
 * tenant, it serves many users; the subject comes from `forUser(email)` or from
 * `configurable.user` at call time. Without a subject it throws `NoSubjectError`.
 *
 * @example
 * const retriever = new PermissionAwareRetriever({ store, embeddings, access, tenant: "northwind", k: 6 });
 * const docs = await retriever.invoke("Q3 roadmap", { configurable: { user: "ana@northwind.test" } });
 */
export class PermissionAwareRetriever extends BaseRetriever<RetrievedChunkMetadata> {
  static override lc_name(): string {
    return "PermissionAwareRetriever";
  }

  lc_namespace = ["clearance", "retrievers"];

  readonly #shared: Shared;
  readonly #user: string | undefined;
  readonly #member: boolean;

  constructor(fields: PermissionAwareRetrieverFields);
  /** @internal used by `forUser` */
  constructor(fields: BoundView);
  constructor(fields: PermissionAwareRetrieverFields | BoundView) {
    if (fields instanceof BoundView) {
      super();
      this.#shared = fields.shared;
      this.#user = fields.user;
      this.#member = fields.member;
      return;
    }
    super(fields);
    this.#shared = buildShared(fields);
    this.#user = undefined;
    this.#member = false;
  }

  /** The user a `forUser` view is bound to. */
  get user(): string | undefined {
    return this.#user;
  }

  /** The Connected User whose chunks this retriever searches. */
  get tenant(): string {
    return this.#shared.ctx.tenant;
  }

  get k(): number {
    return this.#shared.ctx.settings.k;
  }

  /** The decision cache, shared by every view, for ingest and webhook handlers to invalidate. */
  get decisionCache(): DecisionCache {
    return this.#shared.ctx.decisions;
  }

  /**
   * A view bound to `user`, sharing this retriever's store, caches and settings. `member: true`
   * says the caller's identity path verified `user` as a member of this tenant (see
   * `RetrieveOptions.member`); such views keep caches of their own.
   */
  forUser(user: string, options: { member?: boolean } = {}): PermissionAwareRetriever {
    const subject = normalizeSubject(user);
    if (subject === "") throw new NoSubjectError();
    return new PermissionAwareRetriever(new BoundView(this.#shared, subject, options.member === true));
  }

  /**
   * Forgets what is known about a record of `syncId` (its content or sharing changed): cached
   * decisions for every subject, and every allow list of that sync (so a new grant shows at once).
   */
  invalidateRecord(recordId: string, syncId: string): void {
    this.invalidate({ syncId, recordId });
  }

  /**
   * Forgets whatever a permission change in `scope` may have made stale (see `Invalidation`):
   * one record, one subject's view of a sync, or a whole sync. The permission-changes follower
   * calls it for every change it reads.
   */
  invalidate(scope: Invalidation): void {
    for (const ctx of this.#contexts()) {
      ctx.decisions.invalidate(scope);
      ctx.allowSets.invalidate(scope);
    }
  }

  /** Forgets everything cached about one subject. */
  invalidateSubject(user: string): void {
    for (const ctx of this.#contexts()) {
      ctx.decisions.invalidateSubject(user);
      ctx.allowSets.invalidateSubject(user);
    }
  }

  /**
   * Writes what was learnt about people (allow rates, list sizes) that still waits to be written
   * to the store's state (writes wait about a second, off the queries' path): before shutdown, or
   * before another process must see it.
   */
  async flushKnowledge(): Promise<void> {
    await Promise.all(this.#contexts().map((ctx) => ctx.knowledge.flush()));
  }

  /** Empties every cache (decisions, allow lists, observed allow rates). */
  clearCaches(): void {
    for (const ctx of this.#contexts()) {
      ctx.decisions.clear();
      ctx.allowSets.clear();
      ctx.knowledge.clear();
    }
  }

  /** Retrieves for one user and says what it did (strategy, candidates, permission calls, why fewer than k). */
  async retrieveWithReport(query: string, options: RetrieveOptions = {}): Promise<RetrievalResult> {
    const subject = this.#subject(options.user);
    options.signal?.throwIfAborted();
    const ctx = this.#context(options.member);
    const { store, embeddings, searchType, mmr } = this.#shared;
    const k = options.k ?? ctx.settings.k;
    const vector = await embeddings.embedQuery(query);
    const source = vectorSource(store, ctx.tenant, vector);
    const sifted = vectorSiftedSource(store, ctx.tenant, vector);
    const held = storeHeldRecords(store, ctx.tenant);
    if (searchType === "mmr") {
      const fetchK = Math.max(k, mmr.fetchK);
      const { hits, report } = await enforce(ctx, {
        subject,
        k: fetchK,
        source,
        sifted,
        held,
        signal: options.signal,
      });
      const picked = await selectByMmr(embeddings, vector, hits, k, mmr.lambda);
      return this.#result(
        ctx,
        picked,
        {
          ...report,
          k,
          returned: picked.length,
          budgetHit: picked.length < k ? report.budgetHit : null,
        },
        options.signal,
      );
    }
    const { hits, report } = await enforce(ctx, { subject, k, source, sifted, held, signal: options.signal });
    return this.#result(ctx, hits, report, options.signal);
  }

  /**
   * Runs another search path (keyword, hybrid, a re-ranked list) through the same enforcement:
   * `source` pages candidates best first for this retriever's tenant, and only allowed ones return.
   */
  async retrieveFromSource(source: CandidateSource, options: RetrieveOptions = {}): Promise<RetrievalResult> {
    const subject = this.#subject(options.user);
    const ctx = this.#context(options.member);
    const { hits, report } = await enforce(ctx, {
      subject,
      k: options.k ?? ctx.settings.k,
      source,
      signal: options.signal,
    });
    return this.#result(ctx, hits, report, options.signal);
  }

  /**
   * The whole indexed text of one record (its chunks in order) if the user may read it right now:
   * decided during this call, whatever the caches hold (see `readRecord`). No documents means
   * "not readable or not indexed", deliberately the same answer.
   *
   * @example const { documents } = await retriever.readRecord({ syncId, recordId }, { user: "ana@northwind.test" });
   */
  async readRecord(ref: ObjectRef, options: Omit<RetrieveOptions, "k"> = {}): Promise<RetrievalResult> {
    const subject = this.#subject(options.user);
    const ctx = this.#context(options.member);
    const { store, embeddings } = this.#shared;
    const { hits, report } = await readRecord(ctx, store, embeddings, {
      ref,
      subject,
      signal: options.signal,
    });
    return this.#result(ctx, hits, report, options.signal);
  }

  /** Documents for the allowed hits, and the report saying which record policy allowed which. */
  async #result(
    ctx: EnforcementContext,
    hits: readonly ScoredChunk[],
    report: RetrievalReport,
    signal: AbortSignal | undefined,
  ): Promise<RetrievalResult> {
    const { bySync, allows } = await policyAllows(ctx.access, hits, signal);
    return {
      documents: hits.map((hit) => toDocument(hit, bySync.get(hit.chunk.syncId))),
      report: allows.length > 0 ? { ...report, policyAllowed: allows } : report,
    };
  }

  /** The enforcement context of this call: the member-verified one when the view or call says so. */
  #context(member: boolean | undefined): EnforcementContext {
    const shared = this.#shared;
    if (!(this.#member || member === true)) return shared.ctx;
    shared.memberCtx ??= memberContext(
      shared.ctx,
      newCaches(shared.ctx.settings, shared.ctx.tenant, shared.store, { member: true }),
    );
    return shared.memberCtx;
  }

  #contexts(): EnforcementContext[] {
    const { ctx, memberCtx } = this.#shared;
    return memberCtx ? [ctx, memberCtx] : [ctx];
  }

  #subject(user: string | undefined): string {
    const subject = resolveSubject(this.#user, user);
    if (!subject) throw new NoSubjectError();
    return subject;
  }

  /**
   * LangChain entry point. The subject is the bound user or `configurable.user`; the signal is
   * `config.signal` (or `timeout`). The report goes to callbacks as `clearance_retrieval_report`.
   */
  override async invoke(
    input: string,
    options?: RunnableConfig,
  ): Promise<Document<RetrievedChunkMetadata>[]> {
    const config = ensureConfig(options);
    const callbackManager = await CallbackManager.configure(
      config.callbacks,
      this.callbacks,
      config.tags,
      this.tags,
      config.metadata,
      this.metadata,
      { verbose: this.verbose },
    );
    const runManager = await callbackManager?.handleRetrieverStart(
      this.toJSON(),
      input,
      config.runId,
      undefined,
      undefined,
      undefined,
      config.runName,
    );
    try {
      const { documents, report } = await this.retrieveWithReport(input, {
        user: config.configurable?.user,
        member: config.configurable?.member === true,
        ...(config.signal ? { signal: config.signal } : {}),
      });
      await runManager?.handleCustomEvent(RETRIEVAL_REPORT_EVENT, report);
      await runManager?.handleRetrieverEnd(documents);
      return documents;
    } catch (error) {
      await runManager?.handleRetrieverError(error);
      throw error;
    }
  }

  /** Kept for LangChain internals that call it directly: works for a `forUser` view only. */
  override async _getRelevantDocuments(
    query: string,
    runManager?: CallbackManagerForRetrieverRun,
  ): Promise<Document<RetrievedChunkMetadata>[]> {
    const { documents, report } = await this.retrieveWithReport(query);
    await runManager?.handleCustomEvent(RETRIEVAL_REPORT_EVENT, report);
    return documents;
  }
}

function buildShared(fields: PermissionAwareRetrieverFields): Shared {
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
  if (!(Number.isInteger(fetchK) && fetchK > 0) || !(lambda >= 0 && lambda <= 1)) {
    throw new RetrievalConfigError("mmr.fetchK must be a positive integer and mmr.lambda within [0, 1]");
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
    },
    memberCtx: undefined,
    store: fields.store,
    embeddings: fields.embeddings,
    searchType: fields.searchType ?? "similarity",
    mmr: { fetchK, lambda },
  };
}

/** A fresh set of the bounded caches one enforcement context keeps (`member`: of member-verified views). */
function newCaches(
  settings: RetrievalSettings,
  tenant: string,
  store: PermissionAwareRetrieverFields["store"],
  { member = false } = {},
): Pick<EnforcementContext, "decisions" | "allowSets" | "knowledge"> {
  return {
    decisions: new DecisionCache({
      ttlMs: settings.decisionCacheTtlMs,
      maxEntries: settings.decisionCacheMaxEntries,
    }),
    allowSets: new AllowSetCache({ ttlMs: settings.allowSetTtlMs }),
    knowledge: new SubjectKnowledge({ tenant, state: stateOf(store), member }),
  };
}

/** The store's named state, when it keeps one (every `ChunkStore` does; a bare search function does not). */
function stateOf(store: PermissionAwareRetrieverFields["store"]): KnowledgeState | undefined {
  const { getState, putState, listState } = store;
  if (!getState || !putState) return undefined;
  return {
    getState: getState.bind(store),
    putState: putState.bind(store),
    ...(listState ? { listState: listState.bind(store) } : {}),
  };
}
