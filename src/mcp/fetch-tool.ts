import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { McpCaller } from "./caller.js";
import { decodeRecordId, MAX_RECORD_ID_CHARS } from "./record-id.js";
import { joinChunks } from "./record-text.js";
import { jsonResult, type ToolSettings, toolFailure } from "./tool-errors.js";

/**
 * What `fetch` answers for an id the caller may not read AND for one that does not exist: the same
 * words, so it reveals nothing about what exists.
 */
export const NOT_READABLE =
  "No record you may read has this id: it does not exist, or you may not read it now. Use an id from a search result.";

const fetchOutputSchema = {
  id: z.string(),
  title: z.string(),
  text: z.string().describe("the record's full indexed text"),
  url: z.string().optional(),
  metadata: z.object({
    integration: z.string(),
    mimeType: z.string(),
    updatedAt: z.string(),
    chunks: z.number().describe("indexed passages the text is made of"),
    truncated: z.boolean().describe("true when the record is longer than one fetch returns"),
    allowedBy: z
      .string()
      .describe("what allowed it just now: the source's Permissions API, or a record policy"),
    checkedAt: z.string().describe("when the permission was checked (during this call)"),
  }),
};
type FetchOutput = z.infer<z.ZodObject<typeof fetchOutputSchema>>;

/** Registers `fetch`: a search result's id → that record's full text, if the caller may read it right now. */
export function registerFetchTool(
  server: McpServer,
  caller: McpCaller,
  { detailedErrors, inTurn, onError }: ToolSettings,
): void {
  server.registerTool(
    "fetch",
    {
      title: "Fetch a document",
      description:
        "Returns the full indexed text of one record found by search (pass the result's id), with its title, url and source. " +
        "Your permission to read it is checked with the source system at the moment of the call.",
      inputSchema: {
        id: z
          .string()
          .min(1)
          .max(MAX_RECORD_ID_CHARS, "the id is too long: pass an id from a search result")
          .describe("a result id from search"),
      },
      outputSchema: fetchOutputSchema,
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async ({ id }, extra): Promise<CallToolResult> => {
      // Whether an id is well-formed is no secret: a malformed one is refused without a lookup.
      const ref = decodeRecordId(id);
      if (!ref) return notReadable();
      try {
        const checkedAt = new Date().toISOString();
        const { documents, report } = await inTurn(extra.signal, () =>
          caller.retriever.readRecord(ref, {
            user: caller.user,
            member: caller.member,
            signal: extra.signal,
          }),
        );
        const first = documents[0];
        if (!first) return notReadable();
        const { metadata } = first;
        const output: FetchOutput = {
          id,
          title: metadata.name,
          text: joinChunks(documents.map((d) => ({ text: d.pageContent, page: d.metadata.page }))),
          ...(metadata.url ? { url: metadata.url } : {}),
          metadata: {
            integration: metadata.integration,
            mimeType: metadata.mimeType,
            updatedAt: metadata.updatedAt,
            chunks: documents.length,
            truncated: !report.exhausted,
            allowedBy: metadata.allowedBy ? `record policy: ${metadata.allowedBy}` : "permissions API",
            checkedAt,
          },
        };
        return jsonResult(output);
      } catch (error) {
        return toolFailure(error, onError, detailedErrors, extra.signal);
      }
    },
  );
}

function notReadable(): CallToolResult {
  return { content: [{ type: "text", text: NOT_READABLE }], isError: true };
}
