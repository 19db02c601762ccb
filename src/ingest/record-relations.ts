import type { SyncedRecord } from "../managed-sync/index.js";
import type { OwnerDirectory } from "../records/index.js";
import { CompanyNameCache } from "./company-names.js";
import type { SyncInfo } from "./record-metadata.js";
import type { IngestSource } from "./source.js";
import type { RecordRelations } from "./text/index.js";

// Pipelines whose `ownerId` is a CRM user id, and where a record names its company's external id.
const OWNED = new Set(["contacts", "companies", "deals"]);
const companyIdOf: Record<string, (record: Record<string, unknown>) => unknown> = {
  deals: (record) => record.accountId,
  // Paragon's Contact has only companyName; Salesforce's own AccountId arrives in customFields.
  contacts: (record) =>
    record.companyName ? undefined : (record.customFields as Record<string, unknown> | undefined)?.AccountId,
};

export interface RelationResolverOptions {
  source: IngestSource;
  tenant: string;
  /** Every sync of the tenant (a deals sync finds its companies sync among them). */
  syncs: readonly SyncInfo[];
  owners: OwnerDirectory;
  /** Shared across runs (webhook workers); a run without one keeps its own. */
  companyNames?: CompanyNameCache;
  pageSize: number;
  signal?: AbortSignal;
}

/**
 * Resolves what CRM records refer to by id, so their text names it: a deal's (or contact's)
 * company from the `companies` sync of the same integration, and an owner id through the owner
 * directory. A company index is pulled once per run and integration, only when a record needs
 * it. A relation that cannot be resolved (no companies sync, a failed pull, an unmapped owner) is
 * left out and the text keeps the raw id; since relations are part of a record's version, a later
 * `full` run re-renders the record once they resolve.
 */
export class RelationResolver {
  readonly #options: RelationResolverOptions;
  readonly #companies: CompanyNameCache;

  constructor(options: RelationResolverOptions) {
    this.#options = options;
    this.#companies = options.companyNames ?? new CompanyNameCache({ ttlMs: Number.POSITIVE_INFINITY });
  }

  /** The relations of each record of a page (records without any are absent). */
  async forRecords(sync: SyncInfo, records: readonly SyncedRecord[]): Promise<Map<string, RecordRelations>> {
    const resolved = new Map<string, RecordRelations>();
    const companyId = companyIdOf[sync.pipeline];
    const owned = OWNED.has(sync.pipeline);
    if (!companyId && !owned) return resolved;
    const live = records.filter((record) => record.deleted !== true);
    const companies =
      companyId && live.some((record) => typeof companyId(record) === "string")
        ? await this.#companyNames(sync.integration)
        : undefined;
    await Promise.all(
      live.map(async (record) => {
        const relations: RecordRelations = {};
        const id = companyId?.(record);
        const company = typeof id === "string" ? companies?.get(id) : undefined;
        if (company) relations.company = company;
        const ownerId = record.ownerId;
        if (owned && typeof ownerId === "string") {
          const owner = await this.#options.owners.resolve(ownerId, sync.integration).catch(() => undefined);
          if (owner) relations.owner = owner;
        }
        if (relations.company || relations.owner) resolved.set(record.id, relations);
      }),
    );
    return resolved;
  }

  #companyNames(integration: string): Promise<Map<string, string>> {
    const key = JSON.stringify([this.#options.tenant, integration]);
    // Unresolved (not failed) when the pull fails: the text keeps the raw id.
    return this.#companies.get(key, () => this.#loadCompanies(integration)).catch(() => new Map());
  }

  async #loadCompanies(integration: string): Promise<Map<string, string>> {
    const { source, syncs, pageSize, signal } = this.#options;
    const names = new Map<string, string>();
    for (const sync of syncs.filter((s) => s.integration === integration && s.pipeline === "companies")) {
      for await (const page of source.records.pages(sync.id, { pageSize, ...(signal ? { signal } : {}) })) {
        for (const record of page.records) {
          const name = (record as Record<string, unknown>).name;
          if (record.externalId && typeof name === "string" && name.trim() && record.deleted !== true) {
            names.set(record.externalId, name.trim());
          }
        }
      }
    }
    return names;
  }
}
