import pLimit from "p-limit";
import {
  addCounts,
  emptyCounts,
  type IngestCounts,
  type IngestEvent,
  type IngestMode,
  type IngestOptions,
  type IngestReport,
  type IngestSource,
  ingest,
} from "../ingest/index.js";
import type { OwnerDirectory, OwnersInput } from "../records/index.js";
import { TenantConfigError } from "./errors.js";

/** Progress of a many-tenant run: which tenant started or finished, and each tenant's own ingest events. */
export type TenantIngestEvent =
  | { type: "tenants-started"; tenants: string[]; concurrency: number }
  | { type: "tenant-started"; tenant: string }
  | { type: "tenant-event"; tenant: string; event: IngestEvent }
  | { type: "tenant-done"; tenant: string; report: IngestReport; done: number; total: number };

export interface IngestTenantsOptions
  extends Omit<IngestOptions, "client" | "tenant" | "onProgress" | "optimize"> {
  /** The tenants to ingest, in this order (each at most once). */
  tenants: readonly string[];
  /** The Managed Sync client acting as a tenant (`TenantClients.forTenant`). A throw fails that tenant only. */
  clientFor: (tenant: string) => IngestSource;
  /**
   * Each tenant's owner ids → people (`ownersForTenant(config.records, tenant)`), where ids are
   * only unique within one customer account (HubSpot owners, Zendesk users): one `owners` map
   * would write tenant A's person into tenant B's records. Give this or `owners`, not both.
   */
  ownersFor?: (tenant: string) => OwnersInput | OwnerDirectory | undefined;
  /** Tenants ingested at once (default 2). Each tenant's `concurrency` applies within it. */
  tenantConcurrency?: number;
  onProgress?: (event: TenantIngestEvent) => void;
}

/** What `ingestTenants` did: one `IngestReport` per tenant, and the totals. */
export interface TenantsIngestReport {
  /** True when every tenant's run was ok. */
  ok: boolean;
  mode: IngestMode;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  tenantConcurrency: number;
  counts: IngestCounts;
  /** In the order the tenants were given. */
  tenants: IngestReport[];
  /** Tenants whose run was not ok (failed records, aborted syncs, rejected credentials…). */
  failedTenants: string[];
}

/**
 * Ingests every given tenant with bounded concurrency, each with its own client, leases and
 * report. One tenant's failure (revoked credentials, a 401, an aborted sync) is recorded in its
 * report and never stops the others. The store is compacted once at the end, not per tenant.
 *
 * @example
 * const report = await ingestTenants({ tenants: registry.list(), clientFor: (t) => clients.forTenant(t), store, embeddings });
 * for (const t of report.tenants) if (!t.ok) console.error(t.tenant, t.error ?? t.failures);
 */
export async function ingestTenants(options: IngestTenantsOptions): Promise<TenantsIngestReport> {
  const { tenants: given, clientFor, ownersFor, tenantConcurrency = 2, onProgress, ...perTenant } = options;
  if (ownersFor && perTenant.owners !== undefined) {
    throw new TenantConfigError(
      "TENANT_CONFIG_INVALID",
      "give owners (one map for every tenant) or ownersFor (each tenant's), not both: put shared entries in what ownersFor returns",
    );
  }
  if (!(Number.isInteger(tenantConcurrency) && tenantConcurrency > 0)) {
    throw new TenantConfigError(
      "TENANT_CONFIG_INVALID",
      `tenantConcurrency must be a positive integer (got ${tenantConcurrency})`,
    );
  }
  const tenants = [...new Set(given)];
  const notify = (event: TenantIngestEvent) => {
    try {
      onProgress?.(event);
    } catch {
      // Progress display is decoration; a faulty one must not fail a tenant.
    }
  };
  const started = new Date();
  notify({ type: "tenants-started", tenants, concurrency: tenantConcurrency });
  const limit = pLimit(tenantConcurrency);
  let done = 0;
  const reports = await Promise.all(
    tenants.map((tenant) =>
      limit(async () => {
        notify({ type: "tenant-started", tenant });
        const report = await ingestOne(tenant, { clientFor, ownersFor }, perTenant, (event) =>
          notify({ type: "tenant-event", tenant, event }),
        );
        done += 1;
        notify({ type: "tenant-done", tenant, report, done, total: tenants.length });
        return report;
      }),
    ),
  );
  const counts = emptyCounts();
  for (const report of reports) addCounts(counts, report.counts);
  if (counts.chunksWritten + counts.deleted + counts.metadataOnly > 0) {
    try {
      await perTenant.store.optimize();
    } catch {
      // Compaction is housekeeping: the data is durable; the next run compacts again.
    }
  }
  const finished = new Date();
  const failedTenants = reports.filter((r) => !r.ok).map((r) => r.tenant);
  return {
    ok: failedTenants.length === 0,
    mode: perTenant.mode ?? "incremental",
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationMs: finished.getTime() - started.getTime(),
    tenantConcurrency,
    counts,
    tenants: reports,
    failedTenants,
  };
}

async function ingestOne(
  tenant: string,
  of: Pick<IngestTenantsOptions, "clientFor" | "ownersFor">,
  options: Omit<IngestOptions, "client" | "tenant" | "onProgress" | "optimize">,
  onProgress: (event: IngestEvent) => void,
): Promise<IngestReport> {
  const started = new Date();
  try {
    const owners = of.ownersFor?.(tenant);
    return await ingest({
      ...options,
      ...(owners !== undefined ? { owners } : {}),
      client: of.clientFor(tenant),
      tenant,
      optimize: false,
      onProgress,
    });
  } catch (error) {
    // ingest() reports everything but unusable options; a client (or owners) that cannot be made lands here too.
    const finished = new Date();
    return {
      tenant,
      mode: options.mode ?? "incremental",
      ok: false,
      startedAt: started.toISOString(),
      finishedAt: finished.toISOString(),
      durationMs: finished.getTime() - started.getTime(),
      counts: emptyCounts(),
      syncs: [],
      failures: [],
      unindexable: [],
      skips: [],
      contentUnread: [],
      removedSyncs: [],
      error: {
        code: (error as { code?: unknown })?.code?.toString() ?? "INTERNAL",
        message: error instanceof Error ? error.message : String(error),
      },
    };
  }
}
