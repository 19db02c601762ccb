import { normalizeSubject } from "../access/index.js";
import { type Identify, normalizeIdentity } from "./identity.js";

/** The header the demo page sends to say which company (tenant) you act in. */
export const DEV_TENANT_HEADER = "x-clearance-tenant";
/** The header the demo page sends to say who you are acting as. */
export const DEV_USER_HEADER = "x-clearance-user";

export interface DevHeaderIdentityOptions {
  /** Only these people are accepted, each in their own tenant (a person without a tenant: none). */
  people?: readonly { email: string; tenant?: string }[];
}

/**
 * DEMO ONLY. Trusts two request headers anyone can set (`x-clearance-tenant`, `x-clearance-user`)
 * to say who is asking, so anyone can read as anyone. Production must use real authentication
 * (`jwtIdentity`, or your session) instead. Without the tenant header the request is
 * unauthenticated: there is no default tenant.
 *
 * @example
 * createChatHandler({ retrievers, identify: devHeaderIdentity({ people }) });
 */
export function devHeaderIdentity(options: DevHeaderIdentityOptions = {}): Identify {
  const known = options.people
    ? new Set(options.people.map((p) => memberKey(p.tenant ?? "", p.email)))
    : undefined;
  return (request) => {
    const identity = normalizeIdentity({
      tenant: request.headers.get(DEV_TENANT_HEADER) ?? undefined,
      user: request.headers.get(DEV_USER_HEADER) ?? undefined,
    });
    if (!identity) return undefined;
    if (known && !known.has(memberKey(identity.tenant, identity.user))) return undefined;
    return identity;
  };
}

function memberKey(tenant: string, email: string): string {
  return `${tenant.trim()}\u0000${normalizeSubject(email).toLowerCase()}`;
}
