import { normalizeSubject } from "../access/index.js";

/**
 * Who is asking: the tenant (the Paragon Connected User id whose data they belong to) and the
 * user (their email, normalised). Both come from a verified source, never from a default.
 */
export interface Identity {
  tenant: string;
  user: string;
}

/**
 * Resolves who is asking, or undefined when nobody is signed in. Production must verify real
 * credentials here (a session, a JWT: see `jwtIdentity`); the dev headers are for local demos only.
 * What it returns is trusted as verified membership of the tenant (records shared tenant-wide are
 * served on it), so never take the tenant from anything the caller controls unsigned.
 * Transport-neutral: any Web-standard `Request` (chat, MCP, an OpenAI-compatible route).
 *
 * @example
 * const identify: Identify = async (request) => {
 *   const session = await sessions.get(request);
 *   return session && { tenant: session.orgId, user: session.email };
 * };
 */
export type Identify = (request: Request) => Promise<Identity | undefined> | Identity | undefined;

/**
 * The identity in canonical form (tenant trimmed, user trimmed and normalised), or undefined when
 * either part is missing: a caller without a tenant is unauthenticated, never given a default one.
 */
export function normalizeIdentity(identity: Partial<Identity> | undefined | null): Identity | undefined {
  if (!identity || typeof identity !== "object") return undefined;
  const tenant = typeof identity.tenant === "string" ? identity.tenant.trim() : "";
  const user = typeof identity.user === "string" ? normalizeSubject(identity.user) : "";
  if (tenant === "" || user === "") return undefined;
  return { tenant, user };
}
