import type { ClearanceConfig } from "../config/index.js";
import type { ManagedSyncClient } from "../managed-sync/index.js";
import { TenantConfigError } from "../tenants/index.js";
import { configuredTenants, tenantClientsFromConfig } from "./tenants.js";

/**
 * The Managed Sync client of one tenant: `tenant`, or the config's only tenant. For several
 * tenants use `tenantClientsFromConfig`.
 *
 * @example const client = clientFromConfig(loadConfig());
 */
export function clientFromConfig(config: ClearanceConfig, tenant?: string): ManagedSyncClient {
  const clients = tenantClientsFromConfig(config);
  return clients.forTenant(tenant ?? onlyTenant(configuredTenants(config, clients)));
}

/** The single tenant a one-tenant command works on; several or none is an error saying what to pass. */
export function onlyTenant(tenants: readonly string[]): string {
  if (tenants.length === 1) return tenants[0]!;
  throw new TenantConfigError(
    "TENANT_AMBIGUOUS",
    tenants.length === 0
      ? "no tenant configured: pass --tenant <id> or set CLEARANCE_TENANT"
      : `several tenants are configured (${tenants.join(", ")}): pass --tenant <id> to pick one`,
  );
}
