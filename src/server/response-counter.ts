import type { FetchHandler } from "../chat/index.js";
// A type only: the MCP index loads the MCP SDK, which `import "clearance"` must not.
import type { McpHttpHandler } from "../mcp/index.js";

/** Counts a handler's responses by status, for `GET /health`. */
export function countResponses(handler: FetchHandler): {
  handler: FetchHandler;
  snapshot(): { requests: number; byStatus: Record<string, number> };
} {
  let requests = 0;
  const byStatus: Record<string, number> = {};
  return {
    handler: async (request) => {
      requests += 1;
      const response = await handler(request);
      byStatus[response.status] = (byStatus[response.status] ?? 0) + 1;
      return response;
    },
    snapshot: () => ({ requests, byStatus: { ...byStatus } }),
  };
}

/** The MCP endpoint with its responses counted by status, for `GET /health` (not its metadata document's). */
export function countMcpResponses(mcp: McpHttpHandler): {
  handler: McpHttpHandler;
  snapshot(): { requests: number; byStatus: Record<string, number> };
} {
  const counted = countResponses((request) => mcp.handle(request));
  return {
    handler: { handle: async (request) => counted.handler(request), metadata: () => mcp.metadata() },
    snapshot: counted.snapshot,
  };
}
