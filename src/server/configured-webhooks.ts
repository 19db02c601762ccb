import { dirname, join, resolve } from "node:path";
import type { ClearanceConfig } from "../config/index.js";
import {
  startWebhookIngest,
  type WebhookIngest,
  type WebhookNotice,
  WebhookRejectedError,
} from "../webhooks/index.js";
import type { ConfiguredRetrieval } from "./from-config.js";

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
 * const webhooks = await startConfiguredWebhooks(config, await openConfiguredRetrieval(config));
 * createServerApp({ chat, webhook: webhooks.handler, metrics: () => ({ webhooks: webhooks.metrics() }) });
 */
export function startConfiguredWebhooks(
  config: ClearanceConfig,
  opened: ConfiguredRetrieval,
  options: ConfiguredWebhooksOptions = {},
): Promise<WebhookIngest> {
  const { syncs: _allSyncs, ...ingestSettings } = config.ingest;
  const base = config.store.kind === "lancedb" ? dirname(resolve(config.store.dir)) : resolve(".clearance");
  return startWebhookIngest({
    spoolDir: options.spoolDir ? resolve(options.spoolDir) : join(base, "webhooks"),
    store: opened.store,
    embeddings: opened.embeddings,
    clientFor: (tenant) => {
      if (tenant !== config.tenant) {
        // Rejected, not failed: retrying an event for a tenant this server does not serve cannot help.
        throw new WebhookRejectedError(
          "WEBHOOK_OTHER_TENANT",
          `this server serves tenant ${config.tenant}, not ${tenant}: run one server per Connected User`,
        );
      }
      return opened.client;
    },
    ingest: ingestSettings,
    onPermissionChange: (recordId, syncId) => opened.retriever.invalidateRecord(recordId, syncId),
    ...(config.server.webhookSecret ? { secret: config.server.webhookSecret } : {}),
    ...(options.onNotice ? { onNotice: options.onNotice } : {}),
    ...(options.onError ? { onError: options.onError } : {}),
  });
}
