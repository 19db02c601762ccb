import { dirname, join, resolve } from "node:path";
import type { ClearanceConfig } from "../config/index.js";
import {
  startWebhookIngest,
  type WebhookIngest,
  type WebhookNotice,
  WebhookRejectedError,
} from "../webhooks/index.js";
import type { ConfiguredTenants } from "./from-config.js";

export interface ConfiguredWebhooksOptions {
  /** The durable event queue; default `webhooks/` beside the store folder. */
  spoolDir?: string;
  onNotice?: (notice: WebhookNotice) => void;
  onError?: (error: unknown) => void;
}

/**
 * Webhook-driven ingest into the retriever's own store, with the config's ingest settings (so cron
 * and webhook runs chunk alike), dropping cached decisions about every record an event touches.
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
    clientFor: async (tenant) => {
      if (!(await opened.registry.discover(tenant))) {
        // Rejected, not failed: retrying an event for a tenant this server does not serve cannot help.
        throw new WebhookRejectedError(
          "WEBHOOK_OTHER_TENANT",
          `tenant ${tenant} is not served here: add it to tenants (CLEARANCE_TENANTS) or set CLEARANCE_DISCOVER_TENANTS=true`,
        );
      }
      return opened.clients.forTenant(tenant);
    },
    // The same owners as cron runs, or a webhook run would render deals without their owner and re-embed them.
    ingest: { ...ingestSettings, owners: config.records.owners },
    // Sync ids belong to one tenant, so clearing (sync, record) in every held tenant touches only its owner.
    onPermissionChange: (recordId, syncId) => {
      for (const tenant of opened.retrievers.heldTenants()) {
        opened.retrievers.onPermissionChange(tenant, syncId, recordId);
      }
    },
    ...(config.server.webhookSecret ? { secret: config.server.webhookSecret } : {}),
    ...(options.onNotice ? { onNotice: options.onNotice } : {}),
    ...(options.onError ? { onError: options.onError } : {}),
  });
}
