import { decodeJwt } from "jose/jwt/decode";
import { LRUCache } from "lru-cache";
import { ManagedSyncClient, type ManagedSyncClientOptions, type SigningKey } from "../managed-sync/index.js";
import { TenantConfigError, UnknownTenantError } from "./errors.js";

/** How the clients authenticate: the project's signing key acts as any tenant, a ready token as its `sub` only. */
export type TenantCredentials =
  | { signingKey: SigningKey; projectId: string; audienceHost?: string; ttlSeconds?: number }
  | {
      token: string;
      /** The tenants configured beside the token: each must be its `sub` (or name it, for an opaque token). */
      tenants?: readonly string[];
    };

export interface TenantClientsOptions extends Omit<ManagedSyncClientOptions, "auth"> {
  credentials: TenantCredentials;
  /** Clients held at once; the least recently used is dropped and re-created on demand (default 100). */
  maxTenants?: number;
}

/**
 * A Managed Sync client per tenant, created on first use and held in a bounded LRU. With the
 * signing key each client mints its own tokens (`sub = tenant`); a ready user token serves only
 * the tenant in its `sub`, and asking for another is an error rather than that tenant's data
 * fetched under the wrong name.
 *
 * @example
 * const clients = new TenantClients({ credentials: { signingKey, projectId } });
 * for await (const page of clients.forTenant("northwind").records.pages(syncId)) …
 */
export class TenantClients {
  /** The only tenant a ready token can serve (undefined with a signing key: any tenant). */
  readonly tokenTenant: string | undefined;
  readonly #options: Omit<ManagedSyncClientOptions, "auth">;
  readonly #credentials: TenantCredentials;
  readonly #held: LRUCache<string, ManagedSyncClient>;

  constructor(options: TenantClientsOptions) {
    const { credentials, maxTenants = 100, ...clientOptions } = options;
    if (!(Number.isInteger(maxTenants) && maxTenants > 0)) {
      throw new TenantConfigError(
        "TENANT_CONFIG_INVALID",
        `maxTenants must be a positive integer (got ${maxTenants})`,
      );
    }
    this.#credentials = credentials;
    this.#options = clientOptions;
    this.#held = new LRUCache({ max: maxTenants });
    this.tokenTenant =
      "token" in credentials ? tokenTenant(credentials.token, credentials.tenants ?? []) : undefined;
  }

  /** The tenant's client, created on first use. */
  forTenant(tenant: string): ManagedSyncClient {
    const held = this.#held.get(tenant);
    if (held) return held;
    const credentials = this.#credentials;
    if ("token" in credentials && tenant !== this.tokenTenant) {
      throw new UnknownTenantError(
        tenant,
        `the Paragon user token serves only tenant ${this.tokenTenant} (its sub); to serve several tenants set PARAGON_SIGNING_KEY and PARAGON_PROJECT_ID instead of PARAGON_USER_TOKEN`,
      );
    }
    const client = new ManagedSyncClient({
      ...this.#options,
      auth: "token" in credentials ? { token: credentials.token } : { ...credentials, userId: tenant },
    });
    this.#held.set(tenant, client);
    return client;
  }
}

/**
 * The tenant a ready token acts as: its `sub`. A configured tenant that differs is refused,
 * naming both, since the token would fetch its own tenant's data under the other's name.
 */
function tokenTenant(token: string, tenants: readonly string[]): string {
  let sub: string | undefined;
  try {
    const claims = decodeJwt(token);
    sub = typeof claims.sub === "string" && claims.sub !== "" ? claims.sub : undefined;
  } catch {
    // An opaque token: only the configuration can say whose it is.
  }
  const tenant = sub ?? tenants[0];
  const other = tenants.find((t) => t !== tenant);
  if (other !== undefined) {
    throw new TenantConfigError(
      "TENANT_TOKEN_MISMATCH",
      sub
        ? `the configured tenant ${other} is not the Paragon user token's sub ${sub}: a user token acts only as its sub. Configure only ${sub}, or set PARAGON_SIGNING_KEY and PARAGON_PROJECT_ID to serve ${other}`
        : `a Paragon user token serves one tenant, but ${tenants.join(", ")} are configured: set PARAGON_SIGNING_KEY and PARAGON_PROJECT_ID to serve several`,
    );
  }
  if (!tenant) {
    throw new TenantConfigError(
      "TENANT_UNNAMED",
      "the Paragon user token does not name its tenant (no sub claim): set CLEARANCE_TENANT to its Connected User id",
    );
  }
  return tenant;
}
