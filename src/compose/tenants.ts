import type { ClearanceConfig } from "../config/index.js";
import { TenantClients } from "../tenants/index.js";

/**
 * The Managed Sync clients a config describes: minted per tenant from the signing key, or the
 * ready token's one tenant. A configured tenant that is not the token's `sub` is an error naming both.
 *
 * @example const clients = tenantClientsFromConfig(loadConfig()); clients.forTenant("northwind");
 */
export function tenantClientsFromConfig(config: ClearanceConfig): TenantClients {
  const { managedSync } = config;
  const named = namedTenants(config);
  return new TenantClients({
    baseUrl: managedSync.baseUrl,
    timeoutMs: managedSync.timeoutMs,
    maxTenants: config.tenancy.maxActive,
    credentials: managedSync.token
      ? { token: managedSync.token, tenants: named }
      : {
          signingKey: managedSync.signingKey!,
          projectId: managedSync.projectId!,
          audienceHost: managedSync.audienceHost,
        },
  });
}

/**
 * The tenants a config names (`tenant` and `tenants`, each once); with a ready token and none
 * named, the token's `sub`. Discovered tenants come from the registry, not from here.
 */
export function configuredTenants(
  config: ClearanceConfig,
  clients = tenantClientsFromConfig(config),
): string[] {
  const named = namedTenants(config);
  if (named.length === 0 && clients.tokenTenant) return [clients.tokenTenant];
  return named;
}

function namedTenants(config: ClearanceConfig): string[] {
  return [...new Set([...(config.tenant ? [config.tenant] : []), ...config.tenants])];
}
