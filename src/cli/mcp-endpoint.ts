import type { ClearanceConfig } from "../config/index.js";
import { createMcpHttpHandler, type McpHttpHandler, metadataUrlOf } from "../mcp/index.js";
import type { PermissionAwareRetriever } from "../retrieval/index.js";
import { MCP_PATH } from "../server/index.js";
import { DEV_TENANT_HEADER, DEV_USER_HEADER, type Identify, type RetrieverSource } from "../tenants/index.js";
import { type ServeIdentityFlags, serveIdentity } from "./serve-identity.js";

/** How the MCP endpoint learns who asks: tokens verified for this resource, or (development only) unsigned headers. */
export type McpIdentity =
  | {
      mode: "jwt";
      /** The chat's JWT verification with the audience set to the MCP resource URL. */
      forAudience: (audience: string) => Identify;
      /** The tokens' issuer, the default authorization server. */
      issuer: string | undefined;
    }
  | { mode: "dev-header"; identify: Identify };

export interface ServedMcpOptions {
  retrievers: RetrieverSource<PermissionAwareRetriever>;
  identity: McpIdentity;
  config: ClearanceConfig;
  onError?: (error: unknown) => void;
}

/** The `/mcp` endpoint a server mounts; its resource URL defaults to where the server listens. */
export interface ServedMcp {
  /** Undefined when it cannot be served (the banner says why). */
  handler: McpHttpHandler | undefined;
  /** Call once the server listens: fixes the default resource URL; returns the banner lines. */
  listening(url: string): string[];
}

/**
 * The MCP endpoint of `clearance serve` and `clearance mcp --http`. With JWTs it is an OAuth
 * protected resource: tokens must name its URL (`mcp.resource`, default the listening address +
 * `/mcp`) as audience, and its metadata names the authorization servers (`mcp.authorizationServers`,
 * default the JWT issuer). Built on first use, since the default URL is known only once listening.
 */
export function servedMcp(options: ServedMcpOptions): ServedMcp {
  const { retrievers, identity, config, onError } = options;
  const configured = config.mcp.resource ? new URL(config.mcp.resource) : undefined;
  const authorizationServers =
    config.mcp.authorizationServers.length > 0
      ? config.mcp.authorizationServers
      : identity.mode === "jwt" && identity.issuer
        ? [identity.issuer]
        : [];
  if (identity.mode === "jwt" && authorizationServers.length === 0) {
    return {
      handler: undefined,
      listening: () => [
        "  MCP          not served: name the authorization server that signs people in (mcp.authorizationServers / CLEARANCE_MCP_AUTHORIZATION_SERVERS, or the JWT issuer)",
      ],
    };
  }
  let resource = configured;
  let built: McpHttpHandler | undefined;
  const build = (): McpHttpHandler => {
    if (built) return built;
    if (!resource) throw new Error("the MCP endpoint was used before the server listened");
    const common = {
      retrievers,
      // The resource's own origin is always allowed; in development mode it is where the server listens.
      allowedOrigins: [...config.mcp.allowedOrigins, resource.origin],
      ...(onError ? { onError } : {}),
    };
    built =
      identity.mode === "jwt"
        ? createMcpHttpHandler({
            ...common,
            identify: identity.forAudience(resource.href),
            oauth: { resource, authorizationServers, resourceName: "Clearance" },
          })
        : createMcpHttpHandler({ ...common, identify: identity.identify });
    return built;
  };
  return {
    handler: { handle: (request) => build().handle(request), metadata: () => build().metadata() },
    listening(url) {
      resource ??= new URL(`${url}${MCP_PATH}`);
      if (identity.mode === "dev-header") {
        return [
          `  MCP          ${resource.href}  DEV ONLY: the ${DEV_TENANT_HEADER} and ${DEV_USER_HEADER} headers say who asks`,
        ];
      }
      return [
        `  MCP          ${resource.href}  (Streamable HTTP; OAuth bearer tokens for this audience)`,
        `  MCP sign-in  ${authorizationServers.join(", ")}  (metadata ${metadataUrlOf(resource)})`,
      ];
    },
  };
}

/**
 * The MCP identity of a server that verifies JWTs: the same JWKS, issuer, claims and tenant as the
 * chat endpoint, but the audience is the MCP resource URL (a token minted for the chat, or for any
 * other resource, is refused at /mcp).
 */
export function mcpJwtIdentity(
  flags: ServeIdentityFlags,
  config: ClearanceConfig,
  fixedTenant: string | undefined,
): McpIdentity {
  return {
    mode: "jwt",
    issuer: flags.jwtIssuer ?? config.auth.issuer,
    forAudience: (audience) => {
      const identity = serveIdentity({ ...flags, jwtAudience: audience }, config, fixedTenant);
      if (identity.mode !== "jwt") throw new Error("MCP over HTTP needs verified tokens");
      return identity.identify;
    },
  };
}
