import { z } from "zod";
import { httpUrl } from "./url.js";

/** How `clearance mcp` and the `/mcp` endpoint of `clearance serve` answer. */
export const mcpSchema = z.strictObject({
  /**
   * Local (stdio) mode: the person the server answers for, on their own machine (an email, as the
   * source systems know them). Remote (HTTP) mode never uses it: the person comes from the token.
   */
  user: z.string().trim().min(1).optional(),
  /**
   * HTTP mode: the MCP endpoint's public URL, e.g. `https://clearance.example.com/mcp`. Bearer tokens
   * must carry it as their audience; it is published as the protected resource. Default: the
   * address the server listens on, plus `/mcp`.
   */
  resource: httpUrl.optional(),
  /** HTTP mode: the OAuth authorization servers that sign people in for this resource (default: `auth.issuer`). */
  authorizationServers: z.array(httpUrl).default([]),
  /** HTTP mode: browser origins allowed to call `/mcp`, besides the resource's own. */
  allowedOrigins: z.array(z.string().min(1)).default([]),
});

export type McpConfig = z.infer<typeof mcpSchema>;
