import { ClearanceError } from "../../errors.js";

/** Fields laid over a record's JSON; `null` removes the field (`{ id: null }` serves it without an id). */
export type RecordOverlay = Record<string, unknown>;

/**
 * Records the Sync API serves malformed on purpose, for testing how a client copes with one bad
 * record on an otherwise good page (Paragon has sent fields of the wrong type before). Each is
 * keyed by its sync and real id and applies wherever the record's JSON goes out: pulled pages, Get
 * Synced Record and the second-seed aliases. Held in memory only, like fault injection.
 */
export class MalformedRecords {
  private readonly overlays = new Map<string, Map<string, RecordOverlay>>();
  private readonly contents = new Map<string, { bytes: Uint8Array; mimeType: string }>();

  /**
   * Serves `bytes` as `recordId`'s Download Content from now on, whatever the record holds (a
   * corrupt archive, a zip bomb); `undefined` bytes serve the record's own content again.
   */
  setContent(
    syncId: string,
    recordId: string,
    bytes: Uint8Array | undefined,
    mimeType = "application/zip",
  ): void {
    const key = `${syncId}\u0000${recordId}`;
    if (bytes) this.contents.set(key, { bytes: new Uint8Array(bytes), mimeType });
    else this.contents.delete(key);
  }

  /** The content set for a record with {@link setContent}, if any. */
  contentOf(syncId: string, recordId: string): { bytes: Uint8Array; mimeType: string } | undefined {
    return this.contents.get(`${syncId}\u0000${recordId}`);
  }

  /** Serves `recordId` of `syncId` with `fields` laid over it from now on (replacing an earlier overlay). */
  set(syncId: string, recordId: string, fields: RecordOverlay): void {
    if (Object.keys(fields).length === 0) {
      throw new ClearanceError("BAD_REQUEST", "give at least one field to lay over the record");
    }
    const bySync = this.overlays.get(syncId) ?? new Map<string, RecordOverlay>();
    bySync.set(recordId, structuredClone(fields));
    this.overlays.set(syncId, bySync);
  }

  /** Serves the record as it is again; false when it had no overlay. */
  clear(syncId: string, recordId: string): boolean {
    const bySync = this.overlays.get(syncId);
    const removed = bySync?.delete(recordId) ?? false;
    if (bySync?.size === 0) this.overlays.delete(syncId);
    return removed;
  }

  /** Every overlay, for the admin API's state view. */
  list(): { syncId: string; recordId: string; fields: RecordOverlay }[] {
    return [...this.overlays].flatMap(([syncId, bySync]) =>
      [...bySync].map(([recordId, fields]) => ({ syncId, recordId, fields: structuredClone(fields) })),
    );
  }

  /** The record's JSON as served: with its overlay applied when it has one, else as given. */
  apply<T extends { id: string }>(syncId: string, json: T): T | RecordOverlay {
    const overlay = this.overlays.get(syncId)?.get(json.id);
    if (!overlay) return json;
    const served: RecordOverlay = { ...json };
    for (const [field, value] of Object.entries(overlay)) {
      if (value === null) delete served[field];
      else served[field] = structuredClone(value);
    }
    return served;
  }
}
