import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import pLimit from "p-limit";
import { PACKAGE_VERSION } from "../package-version.js";
import type { McpCaller } from "./caller.js";
import { registerFetchTool } from "./fetch-tool.js";
import { registerSearchTool } from "./search-tool.js";

/** How the person behind the tools was established; said in the server's instructions. */
export type McpIdentitySource =
  /** Local (stdio): named by the configuration of the machine it runs on. */
  | "local"
  /** Remote (HTTP): the bearer token the MCP client signed in with. */
  | "token"
  /** Development only: unsigned headers. */
  | "dev-headers";

export interface ClearanceMcpServerOptions {
  caller: McpCaller;
  identitySource: McpIdentitySource;
  /**
   * Called with unexpected tool failures (the client sees a generic message); not with a call's
   * own cancellation by its client, which is no failure of the server.
   */
  onError?: (error: unknown) => void;
}

/**
 * Tool calls one server runs at once; the rest wait their turn. Over HTTP a server lives for one
 * POST, and a POST may carry a JSON-RPC batch of up to 100 calls (the SDK's limit): without a bound,
 * one request started 100 searches together, each embedding its query and fanning out to the store
 * and the Permissions API. A batch is still answered whole, only not all at once.
 */
export const MAX_CONCURRENT_TOOL_CALLS = 4;

/**
 * An MCP server with Clearance's two read-only tools, `search` and `fetch` (the names and shapes
 * ChatGPT connectors and deep-research clients expect), answering for one person of one tenant.
 *
 * @example
 * const server = createClearanceMcpServer({ caller: { retriever, user: "ana@northwind.test", member: false }, identitySource: "local" });
 * await server.connect(new StdioServerTransport());
 */
export function createClearanceMcpServer(options: ClearanceMcpServerOptions): McpServer {
  const { caller, identitySource, onError } = options;
  const server = new McpServer(
    {
      name: "clearance",
      title: "Clearance: permission-aware company search",
      version: PACKAGE_VERSION,
      description: `Searches ${caller.retriever.tenant}'s synced SaaS documents and records as ${caller.user}, showing only what that person may read in each source system.`,
    },
    { instructions: instructionsFor(caller, identitySource) },
  );
  // Only the person who configured a local server reads errors whole; remote callers read codes.
  const detailedErrors = identitySource === "local";
  const limit = pLimit(MAX_CONCURRENT_TOOL_CALLS);
  const inTurn = <T>(signal: AbortSignal, work: () => Promise<T>) =>
    limit(() => {
      signal.throwIfAborted();
      return work();
    });
  registerSearchTool(server, caller, { detailedErrors, inTurn, onError });
  registerFetchTool(server, caller, { detailedErrors, inTurn, onError });
  return server;
}

function instructionsFor(caller: McpCaller, source: McpIdentitySource): string {
  const who =
    source === "local"
      ? `You act as ${caller.user} (tenant ${caller.retriever.tenant}), the person this local server was configured for on this machine; it is not a sign-in.`
      : source === "token"
        ? `You act as ${caller.user} (tenant ${caller.retriever.tenant}), the person whose bearer token this client signed in with.`
        : `You act as ${caller.user} (tenant ${caller.retriever.tenant}), named by development headers: NOT a verified sign-in.`;
  return [
    who,
    "Every result is checked against the source system's permissions for that person: an empty search means nothing they may read matches, not that nothing exists.",
    "Use search to find records, then fetch with a result's id for its full text; fetch re-checks the permission at the moment of the call.",
    "Cite results by their title and url.",
  ].join(" ");
}
