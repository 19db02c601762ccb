import type { Document } from "@langchain/core/documents";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { excerptOf, MAX_QUESTION_CHARS, permissionFailureOf } from "../chat/index.js";
import type { RetrievalReport, RetrievedChunkMetadata } from "../retrieval/index.js";
import type { McpCaller } from "./caller.js";
import { encodeRecordId } from "./record-id.js";
import { jsonResult, type ToolSettings, toolFailure } from "./tool-errors.js";

/** How much of the best passage a result shows; `fetch` gives the whole record. */
const SNIPPET_CHARS = 400;

const resultSchema = z.object({
  id: z.string().describe("pass to fetch for the record's full text"),
  title: z.string(),
  url: z.string().optional().describe("the record in its source system, for citation"),
  text: z.string().describe("the best matching passage (a snippet)"),
  metadata: z.object({
    integration: z.string().describe("the source system, e.g. googledrive, sharepoint, salesforce"),
    updatedAt: z.string(),
    page: z.number().optional(),
  }),
});

const reportSchema = z.object({
  strategy: z.string().describe("how permissions were enforced (post- or pre-filtering)"),
  returned: z.number().describe("passages found (each result is a record holding one or more)"),
  k: z.number().describe("passages asked for"),
  moreMayExist: z.boolean().describe("false when every readable match was returned"),
  note: z.string(),
});

const searchOutputSchema = { results: z.array(resultSchema), report: reportSchema };
type SearchOutput = { results: z.infer<typeof resultSchema>[]; report: z.infer<typeof reportSchema> };

/** Registers `search`: a query → the records the caller may read that best match it. */
export function registerSearchTool(
  server: McpServer,
  caller: McpCaller,
  { detailedErrors, inTurn, onError }: ToolSettings,
): void {
  server.registerTool(
    "search",
    {
      title: "Search company documents",
      description:
        "Searches the company's synced documents and records (Google Drive, SharePoint, CRM, tickets…) for what you may read, " +
        "checked against each source system's permissions for you. Takes a natural-language query; returns matching records " +
        "(id, title, url, a snippet, the source) best first, and a short report. Pass a result's id to fetch for its full text.",
      inputSchema: {
        // As long as a chat question may be: a longer one is refused before it is embedded.
        query: z
          .string()
          .min(1)
          .max(MAX_QUESTION_CHARS, "the query is too long: keep it under 4,000 characters")
          .describe("what to look for, in natural language"),
      },
      outputSchema: searchOutputSchema,
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async ({ query }, extra) => {
      try {
        const { documents, report } = await inTurn(extra.signal, () =>
          caller.retriever.retrieveWithReport(query, {
            user: caller.user,
            member: caller.member,
            signal: extra.signal,
          }),
        );
        // A retriever set to answer nothing when permissions cannot be checked (onPermissionError:
        // "empty") must not make that look like "nothing you may read matches": refuse, as the chat does.
        const refused = permissionFailureOf(report);
        if (refused) return toolFailure(refused, onError, detailedErrors, extra.signal);
        const output: SearchOutput = { results: byRecord(documents), report: summarize(report) };
        return jsonResult(output);
      } catch (error) {
        return toolFailure(error, onError, detailedErrors, extra.signal);
      }
    },
  );
}

/** One result per record, in the rank of its best passage, which becomes its snippet. */
function byRecord(documents: readonly Document<RetrievedChunkMetadata>[]): SearchOutput["results"] {
  const results = new Map<string, SearchOutput["results"][number]>();
  for (const { metadata, pageContent } of documents) {
    const id = encodeRecordId(metadata);
    if (results.has(id)) continue;
    results.set(id, {
      id,
      title: metadata.name,
      ...(metadata.url ? { url: metadata.url } : {}),
      text: excerptOf(pageContent, SNIPPET_CHARS),
      metadata: {
        integration: metadata.integration,
        updatedAt: metadata.updatedAt,
        ...(metadata.page !== undefined ? { page: metadata.page } : {}),
      },
    });
  }
  return [...results.values()];
}

function summarize(report: RetrievalReport): SearchOutput["report"] {
  const moreMayExist = !report.exhausted;
  const why = report.exhausted
    ? "nothing else you may read matches"
    : report.returned >= report.k
      ? "more may match: refine the query to narrow it"
      : report.permissionError
        ? `the permission check failed: ${report.permissionError.message}`
        : report.budgetHit
          ? `the search stopped at its ${report.budgetHit} budget: more may match`
          : "fewer passages than asked for";
  return {
    strategy: report.strategy,
    returned: report.returned,
    k: report.k,
    moreMayExist,
    note: `${report.returned} of ${report.k} passages; ${why}. ${report.freshness.summary}.`,
  };
}
