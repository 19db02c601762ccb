import { isIP } from "node:net";
import { normalizeSubject } from "../access/index.js";
import { IdentityError } from "./errors.js";
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
 * unauthenticated: there is no default tenant. A browser page served under a DNS name other than
 * `localhost` is refused (`IdentityError`, a 401): that is how a site rebinds its name to your
 * machine (DNS rebinding) and reads through these headers as anyone.
 *
 * @example
 * createChatHandler({ retrievers, identify: devHeaderIdentity({ people }) });
 */
export function devHeaderIdentity(options: DevHeaderIdentityOptions = {}): Identify {
  const known = options.people
    ? new Set(options.people.map((p) => memberKey(p.tenant ?? "", p.email)))
    : undefined;
  return (request) => {
    refuseNamedOrigin(request.headers.get("origin"));
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

/**
 * DNS rebinding: a page on `attacker.example` whose name is rebound to 127.0.0.1 is same-origin with
 * this server, so the browser lets it set the headers. It cannot hide its origin (browsers send
 * `Origin` on every POST, naming its host), and a rebound origin is always a DNS name: a page opened
 * at an address (127.0.0.1, [::1], a LAN address) or at localhost is accepted, callers without a
 * browser send no Origin. An opaque origin (`null`) is refused as well.
 */
function refuseNamedOrigin(origin: string | null): void {
  if (origin === null) return;
  let hostname: string | undefined;
  try {
    hostname = new URL(origin).hostname.replace(/^\[(.*)\]$/, "$1");
  } catch {
    hostname = undefined;
  }
  if (hostname && (isIP(hostname) !== 0 || hostname === "localhost" || hostname.endsWith(".localhost")))
    return;
  throw new IdentityError(
    `the development identity headers are refused from a page at ${origin} (DNS rebinding): open the page at http://localhost or http://127.0.0.1`,
  );
}
