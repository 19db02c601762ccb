import { dirname, join, resolve } from "node:path";
import { type ClearanceConfig, ownersForTenant } from "../config/index.js";
import {
  startWebhookIngest,
  type WebhookIngest,
  type WebhookNotice,
  WebhookRejectedError,
  type WebhookTenants,
} from "../webhooks/index.js";
import type { ConfiguredTenants } from "./from-config.js";

export interface ConfiguredWebhooksOptions {
  /** The durable event queue; default `webhooks/` beside the store folder. One process per spool. */
  spoolDir?: string;
  /** Accept events without a secret (the `--webhooks-insecure-no-secret` flag); the config's setting also counts. */
  insecureNoSecret?: boolean;
  onNotice?: (notice: WebhookNotice) => void;
  onError?: (error: unknown) => void;
}

/**
 * Webhook-driven ingest for every tenant the config serves, into their one store, with the config's
 * ingest settings (so cron and webhook runs chunk alike): each event goes to its tenant's client,
 * and cached decisions about every record it touches are dropped in that tenant's retriever.
 * Refuses to start without `server.webhookSecret` unless the insecure opt-out is given.
 *
 * @example
 * const webhooks = await startConfiguredWebhooks(config, await openConfiguredTenants(config));
 * createServerApp({ chat, webhook: webhooks.handler, metrics: () => ({ webhooks: webhooks.metrics() }) });
 */
export function startConfiguredWebhooks(
  config: ClearanceConfig,
  opened: ConfiguredTenants,
  options: ConfiguredWebhooksOptions = {},
): Promise<WebhookIngest> {
  const { syncs: _allSyncs, ...ingestSettings } = config.ingest;
  const base = config.store.kind === "lancedb" ? dirname(resolve(config.store.dir)) : resolve(".clearance");
  return startWebhookIngest({
    spoolDir: options.spoolDir ? resolve(options.spoolDir) : join(base, "webhooks"),
    store: opened.store,
    embeddings: opened.embeddings,
    tenants: webhookTenants(opened),
    clientFor: (tenant) => opened.clients.forTenant(tenant),
    ingest: ingestSettings,
    // The same owners as cron runs (each tenant's), or a webhook run would render deals with
    // another owner, or none, and re-embed them.
    ownersFor: (tenant) => ownersForTenant(config.records, tenant),
    onPermissionChange: (tenant, syncId, recordId) =>
      opened.retrievers.onPermissionChange(tenant, syncId, recordId),
    ...(config.server.webhookSecret ? { secret: config.server.webhookSecret } : {}),
    insecureNoSecret: options.insecureNoSecret === true || config.server.webhookInsecureNoSecret,
    ...(options.onNotice ? { onNotice: options.onNotice } : {}),
    ...(options.onError ? { onError: options.onError } : {}),
  });
}

/**
 * The registry as the webhook worker asks it. Discovery (when configured) is called only after the
 * event proved valid, so a forged `user.id` is never registered; off, events of tenants not
 * configured are dead-lettered as WEBHOOK_UNKNOWN_TENANT without a call upstream.
 */
function webhookTenants({ registry }: ConfiguredTenants): WebhookTenants {
  return {
    isKnown: (tenant) => registry.has(tenant),
    ...(registry.discovers
      ? {
          discover: async (tenant: string) => {
            if (!(await registry.discover(tenant))) {
              throw new WebhookRejectedError(
                "WEBHOOK_UNKNOWN_TENANT",
                `tenant ${tenant} could not be registered: add it to tenants (CLEARANCE_TENANTS)`,
              );
            }
          },
        }
      : {}),
  };
}
