import type { OAuthProtectedResourceMetadata } from "@modelcontextprotocol/sdk/shared/auth.js";

/** Where OAuth 2.0 Protected Resource Metadata (RFC 9728) is published: this, plus the resource's path. */
export const PROTECTED_RESOURCE_METADATA_PATH = "/.well-known/oauth-protected-resource";

/** The MCP endpoint as an OAuth 2.1 protected resource: its URL (the tokens' audience) and who issues tokens for it. */
export interface ProtectedResource {
  /** The endpoint's public URL, e.g. `https://clearance.example.com/mcp`; tokens must name it as their audience. */
  resource: URL;
  /** The authorization servers (issuers) an MCP client signs the person in with. At least one. */
  authorizationServers: readonly string[];
  /** Scopes a client may ask for, published as `scopes_supported` (none are required). */
  scopesSupported?: readonly string[];
  /** A human-readable name, published as `resource_name`. */
  resourceName?: string;
}

/**
 * The metadata document URL for a resource, RFC 9728 §3.1: the well-known path inserted between
 * host and path, e.g. `https://x.example/.well-known/oauth-protected-resource/mcp`.
 */
export function metadataUrlOf(resource: URL): string {
  const path = resource.pathname === "/" ? "" : resource.pathname.replace(/\/$/, "");
  return new URL(`${PROTECTED_RESOURCE_METADATA_PATH}${path}`, resource.origin).href;
}

/** The RFC 9728 document: what a client reads to learn where to sign the person in. */
export function protectedResourceMetadata(
  protectedResource: ProtectedResource,
): OAuthProtectedResourceMetadata {
  const { resource, authorizationServers, scopesSupported, resourceName } = protectedResource;
  return {
    resource: resource.href,
    authorization_servers: [...authorizationServers],
    bearer_methods_supported: ["header"],
    ...(scopesSupported && scopesSupported.length > 0 ? { scopes_supported: [...scopesSupported] } : {}),
    ...(resourceName ? { resource_name: resourceName } : {}),
  };
}

/**
 * The `WWW-Authenticate` value of a 401 (RFC 6750 §3, RFC 9728 §5.1): no error code when no token
 * was sent, `invalid_token` with a description when one was refused; always `resource_metadata`.
 */
export function bearerChallenge(resource: URL, refused?: string): string {
  const parts = [`resource_metadata="${metadataUrlOf(resource)}"`];
  if (refused !== undefined) {
    parts.unshift(`error="invalid_token"`, `error_description="${quotable(refused)}"`);
  }
  return `Bearer ${parts.join(", ")}`;
}

/** A header-safe quoted-string body: printable ASCII, no quotes or backslashes, bounded. */
function quotable(text: string): string {
  return text
    .replace(/["\\]/g, "'")
    .replace(/[^\x20-\x7E]/g, " ")
    .slice(0, 300);
}
