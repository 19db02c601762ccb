import { toPermissionsError } from "./errors.js";
import type { SyncKind } from "./managed-sync-access.js";

/** What the catalog needs from the Managed Sync client (`client.syncs`). */
export interface SyncLister {
  list(options?: { signal?: AbortSignal }): Promise<{ id: string; pipeline: string }[]>;
}

/**
 * The tenant's syncs and their kinds, from `GET /api/syncs`, refreshed after `ttlMs`. It answers two
 * questions: which syncs a pre-filter must list objects in, and which syncs have a Permissions API
 * (`pipeline: "files"`). A sync it does not know is a record sync, so its chunks are denied.
 */
export class SyncCatalog {
  readonly #syncs: SyncLister;
  readonly #ttlMs: number;
  #loaded: { at: number; kinds: Map<string, SyncKind> } | undefined;
  #pending: Promise<Map<string, SyncKind>> | undefined;

  constructor(syncs: SyncLister, options: { ttlMs?: number } = {}) {
    this.#syncs = syncs;
    this.#ttlMs = options.ttlMs ?? 5 * 60_000;
  }

  /** Every sync id of the tenant. */
  async syncIds(signal?: AbortSignal): Promise<string[]> {
    return [...(await this.#kinds(signal)).keys()];
  }

  /** `files` for a File Storage sync, `records` otherwise (and for a sync that is not listed). */
  async kind(syncId: string, signal?: AbortSignal): Promise<SyncKind> {
    let kinds = await this.#kinds(signal);
    // A sync enabled since the last listing: look once more before denying its records.
    if (!kinds.has(syncId) && this.#loaded && Date.now() - this.#loaded.at > 1_000) {
      this.#loaded = undefined;
      kinds = await this.#kinds(signal);
    }
    return kinds.get(syncId) ?? "records";
  }

  async #kinds(signal?: AbortSignal): Promise<Map<string, SyncKind>> {
    if (this.#loaded && Date.now() - this.#loaded.at <= this.#ttlMs) return this.#loaded.kinds;
    this.#pending ??= this.#syncs
      .list(signal ? { signal } : {})
      .catch((error: unknown) => {
        // Not knowing the tenant's syncs means not knowing what may be read: fail closed, typed.
        throw toPermissionsError(error, "listing the tenant's syncs (GET /api/syncs)");
      })
      .then((list) => {
        const kinds = new Map<string, SyncKind>(
          list.map((sync) => [sync.id, sync.pipeline === "files" ? "files" : "records"]),
        );
        this.#loaded = { at: Date.now(), kinds };
        return kinds;
      })
      .finally(() => {
        this.#pending = undefined;
      });
    return this.#pending;
  }
}
