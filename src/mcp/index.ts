// Public surface of the MCP server: Clearance's `search` and `fetch` tools over stdio and Streamable HTTP.
export type { McpCaller } from "./caller.js";
export {
  type ClearanceMcpServerOptions,
  createClearanceMcpServer,
  MAX_CONCURRENT_TOOL_CALLS,
  type McpIdentitySource,
} from "./create-server.js";
export { NOT_READABLE } from "./fetch-tool.js";
export { createMcpHttpHandler, type McpHttpHandler, type McpHttpHandlerOptions } from "./http-handler.js";
export {
  metadataUrlOf,
  PROTECTED_RESOURCE_METADATA_PATH,
  type ProtectedResource,
  protectedResourceMetadata,
} from "./protected-resource.js";
export { decodeRecordId, encodeRecordId } from "./record-id.js";
export { type McpStdioOptions, type McpStdioSession, serveMcpStdio } from "./stdio.js";
