import { type StructuredToolInterface, tool } from "@langchain/core/tools";
import { z } from "zod";
import type { PermissionAwareRetriever, RetrievalResult } from "./retriever.js";

export interface RetrieverToolOptions {
  name?: string;
  description?: string;
}

/**
 * The retriever as an agent tool. The user comes from the run's `configurable.user` (or the view's
 * bound user), and the search goes through the same enforcement as `invoke`. The tool returns the
 * chunks as text with citations, and `{ documents, report }` as its artifact; when fewer than k
 * came back the text says so and why.
 *
 * @example
 * const search = createRetrieverTool(retriever);
 * await search.invoke({ query: "travel policy" }, { configurable: { user: "ana@northwind.test" } });
 */
export function createRetrieverTool(
  retriever: PermissionAwareRetriever,
  options: RetrieverToolOptions = {},
): StructuredToolInterface {
  return tool(
    async ({ query }, config): Promise<[string, RetrievalResult]> => {
      const result = await retriever.retrieveWithReport(query, {
        user: config?.configurable?.user,
        ...(config?.signal ? { signal: config.signal } : {}),
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
