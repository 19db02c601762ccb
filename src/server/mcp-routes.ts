import type { Hono } from "hono";
import type { McpHttpHandler } from "../mcp/index.js";
// The constant from its own file: the MCP index loads the MCP SDK, which `import "clearance"` must not.
import { PROTECTED_RESOURCE_METADATA_PATH } from "../mcp/protected-resource.js";

/** Where the MCP endpoint is served. */
export const MCP_PATH = "/mcp";

export interface McpRoutes {
  /** `createMcpHttpHandler`: the MCP endpoint at `/mcp` and its protected-resource metadata. */
  mcp?: McpHttpHandler;
}

/**
 * Mounts the MCP endpoint and its OAuth protected-resource metadata (RFC 9728), both at the root
 * well-known path and at the path-inserted one (`/.well-known/oauth-protected-resource/mcp`),
 * since MCP clients try either.
 */
export function mountMcp(app: Hono, routes: McpRoutes): void {
  const { mcp } = routes;
  if (!mcp) return;
  app.all(MCP_PATH, (c) => mcp.handle(c.req.raw));
  app.get(PROTECTED_RESOURCE_METADATA_PATH, () => mcp.metadata());
  app.get(`${PROTECTED_RESOURCE_METADATA_PATH}/*`, () => mcp.metadata());
}
