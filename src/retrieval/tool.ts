import { type StructuredToolInterface, tool } from "@langchain/core/tools";
import { z } from "zod";
import { TenantMismatchError } from "./errors.js";
import { PermissionAwareRetriever, type RetrievalResult } from "./retriever.js";

export interface RetrieverToolOptions {
  name?: string;
  description?: string;
}

/** Per-tenant retrievers (`TenantRetrievers`): the tool then serves the tenant the run names. */
export interface TenantRetrieverSource {
  forTenant(tenant: string): PermissionAwareRetriever;
}

/** Who a tool call is for, as the run says it: LangChain v1 runtime `context`, or `configurable`. */
interface Caller {
  user?: unknown;
  tenant?: unknown;
  member?: unknown;
}

/**
 * The retriever as an agent tool. Who asks comes from the run: a LangChain v1 agent's runtime
 * context (`createAgent({ contextSchema })`, invoked with `{ context: { user, tenant? } }`), or
 * `configurable: { user, tenant? }` (or the view's bound user). Given per-tenant retrievers
 * (`TenantRetrievers`), the run must name the tenant; given one tenant's retriever, a run naming
 * another tenant is refused. The search goes through the same enforcement as `invoke`; the tool
 * returns the chunks as text with citations, and `{ documents, report }` as its artifact; when
 * fewer than k came back the text says so and why.
 *
 * @example
 * const search = createRetrieverTool(retriever);
 * const agent = createAgent({ model, tools: [search], contextSchema: z.object({ user: z.string() }) });
 * await agent.invoke({ messages: [{ role: "user", content: "travel policy?" }] }, { context: { user: "ana@northwind.test" } });
 */
export function createRetrieverTool(
  retriever: PermissionAwareRetriever | TenantRetrieverSource,
  options: RetrieverToolOptions = {},
): StructuredToolInterface {
  return tool(
    async ({ query }, runtime): Promise<[string, RetrievalResult]> => {
      const context = (runtime as { context?: Caller } | undefined)?.context ?? {};
      const configurable: Caller = runtime?.configurable ?? {};
      // The source that names the user names the whole caller: a user from the runtime context with
      // a tenant or `member` (a verified member of the tenant) from `configurable` would be a caller
      // neither source vouched for. Without a user (a view's bound one), either may name the rest.
      const source =
        context.user !== undefined ? context : configurable.user !== undefined ? configurable : undefined;
      const pick = (key: keyof Caller) => (source ? source[key] : (context[key] ?? configurable[key]));
      const target = retrieverFor(retriever, pick("tenant"));
      const result = await target.retrieveWithReport(query, {
        user: typeof pick("user") === "string" ? (pick("user") as string) : undefined,
        ...(pick("member") === true ? { member: true } : {}),
        ...(runtime?.signal ? { signal: runtime.signal } : {}),
      });
      return [formatResult(result), result];
    },
    {
      name: options.name ?? "search_company_documents",
      description:
        options.description ??
        "Searches the company's documents the current user may read; returns passages with their source names and links.",
      schema: z.object({ query: z.string().min(1).describe("what to look for, in natural language") }),
      responseFormat: "content_and_artifact",
    },
  );
}

/** The retriever serving the run's tenant: never another tenant's, never a default one. */
function retrieverFor(
  retriever: PermissionAwareRetriever | TenantRetrieverSource,
  tenant: unknown,
): PermissionAwareRetriever {
  const named = typeof tenant === "string" ? tenant.trim() : "";
  if (retriever instanceof PermissionAwareRetriever) {
    if (named && named !== retriever.tenant) throw new TenantMismatchError(retriever.tenant, named);
    return retriever;
  }
  // An empty tenant is refused by the source itself (TenantRetrievers: NO_TENANT).
  return retriever.forTenant(named);
}

function formatResult({ documents, report }: RetrievalResult): string {
  const passages = documents.map((doc, index) => {
    const { name, url, page } = doc.metadata;
    const source = [name, page ? `p. ${page}` : undefined, url].filter(Boolean).join(", ");
    return `[${index + 1}] ${source}\n${doc.pageContent}`;
  });
  if (report.returned < report.k) {
    const why = report.exhausted
      ? "no more readable passages match"
      : report.budgetHit
        ? `the search budget (${report.budgetHit}) ran out`
        : (report.permissionError?.message ?? "the permission check failed");
    passages.push(`(${report.returned} of ${report.k} passages: ${why})`);
  }
  return passages.length > 0 ? passages.join("\n\n") : "No readable passages found.";
}
