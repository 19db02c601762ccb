import type { ClearanceConfig } from "../config/index.js";
import { ManagedSyncClient } from "../managed-sync/index.js";

/**
 * The Managed Sync client a config describes: a ready token, or tokens minted from the signing key
 * for the tenant (the config schema guarantees one of the two).
 *
 * @example const client = clientFromConfig(loadConfig());
 */
export function clientFromConfig(config: ClearanceConfig): ManagedSyncClient {
  const { managedSync } = config;
  return new ManagedSyncClient({
    baseUrl: managedSync.baseUrl,
    timeoutMs: managedSync.timeoutMs,
    auth: managedSync.token
      ? { token: managedSync.token }
      : {
          signingKey: managedSync.signingKey!,
          projectId: managedSync.projectId!,
          userId: config.tenant,
          audienceHost: managedSync.audienceHost,
        },
  });
}
