import { CallbackManager, type CallbackManagerForRetrieverRun } from "@langchain/core/callbacks/manager";
import type { Document } from "@langchain/core/documents";
import { BaseRetriever } from "@langchain/core/retrievers";
import { ensureConfig, type RunnableConfig } from "@langchain/core/runnables";
import { type DecisionCache, type Invalidation, normalizeSubject, type ObjectRef } from "../access/index.js";
import type { CandidateSource } from "./candidates.js";
import type { EnforcementContext } from "./context.js";
import { denseSearch } from "./dense-search.js";
import type { RetrievedChunkMetadata } from "./documents.js";
import { enforce } from "./enforce.js";
import { newCaches } from "./enforcement-caches.js";
import { NoSubjectError } from "./errors.js";
import { memberContext } from "./member-context.js";
import { readRecord } from "./read-record.js";
import { type RetrievalResult, toResult } from "./retrieval-result.js";
import type { PermissionAwareRetrieverFields, RetrieveOptions } from "./retriever-fields.js";
import { buildShared, type RetrieverShared } from "./retriever-setup.js";
import { resolveSubject } from "./subject.js";

export type { RetrievalResult } from "./retrieval-result.js";
export type { PermissionAwareRetrieverFields, RetrieveOptions } from "./retriever-fields.js";

/** The name of the custom callback event carrying each call's `RetrievalReport`. */
export const RETRIEVAL_REPORT_EVENT = "clearance_retrieval_report";

class BoundView {
  constructor(
    readonly origin: PermissionAwareRetriever,
    readonly shared: RetrieverShared,
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

  readonly #shared: RetrieverShared;
  readonly #user: string | undefined;
  readonly #member: boolean;
  /**
   * The retriever a `forUser` view came from, held for as long as the view is: TenantRetrievers
   * reaches an evicted tenant's caches through a weak reference to that retriever, and a caller
   * holding only the view (`forTenant(t).forUser(u)`) would otherwise let it be collected while
   * the view goes on trusting the caches it shares, with no invalidation reaching them.
   */
  readonly #origin: PermissionAwareRetriever | undefined;

  constructor(fields: PermissionAwareRetrieverFields);
  /** @internal used by `forUser` */
  constructor(fields: BoundView);
  constructor(fields: PermissionAwareRetrieverFields | BoundView) {
    if (fields instanceof BoundView) {
      super();
      this.#shared = fields.shared;
      this.#user = fields.user;
      this.#member = fields.member;
      this.#origin = fields.origin;
      return;
    }
    super(fields);
    this.#shared = buildShared(fields);
    this.#user = undefined;
    this.#member = false;
    this.#origin = undefined;
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
    return new PermissionAwareRetriever(new BoundView(this, this.#shared, subject, options.member === true));
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
    const k = options.k ?? ctx.settings.k;
    const { hits, report } = await denseSearch(this.#shared, ctx, {
      text: query,
      subject,
      k,
      signal: options.signal,
    });
    return toResult(ctx, hits, report, options.signal);
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
    return toResult(ctx, hits, report, options.signal);
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
    return toResult(ctx, hits, report, options.signal);
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
