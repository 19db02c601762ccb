import { ClearanceError } from "../errors.js";

/** Base of the errors the ingest run raises itself (as opposed to the client, store or extractors). */
export class IngestError extends ClearanceError {}

/**
 * Another run holds the sync's lease (`ingest:<tenant>:<syncId>`), so this run left the sync alone.
 * Appears in the report as a sync with status `locked`; wait for the other run, or for its lease to
 * expire if that run crashed.
 */
export class IngestLockedError extends IngestError {
  readonly syncId: string;

  constructor(syncId: string, lease: string) {
    super(
      "INGEST_LOCKED",
      `sync ${syncId} is being ingested by another run (lease "${lease}"): let it finish, or wait for the lease to expire if that run died`,
    );
    this.syncId = syncId;
  }
}

/** The lease was lost mid-run (it expired and another run took it): this run stops writing to that sync. */
export class IngestLeaseLostError extends IngestError {
  constructor(syncId: string, lease: string) {
    super(
      "INGEST_LEASE_LOST",
      `lost the lease "${lease}" while ingesting sync ${syncId}: another run took over; raise leaseTtlMs if pages take longer than it`,
    );
  }
}

/** Options given to `ingest()` are unusable. */
export class IngestArgumentError extends IngestError {}

/**
 * The sync named in `syncs` is not one of the tenant's syncs. The message names every place a
 * sync id comes from: it named only `ingest.syncs` to someone who had typed `--sync`.
 */
export class IngestUnknownSyncError extends IngestError {
  constructor(syncId: string, known: readonly string[]) {
    super(
      "INGEST_UNKNOWN_SYNC",
      `sync ${syncId} is not one of this tenant's syncs (${known.join(", ") || "none"}): check the sync ids given (clearance ingest --sync, ingest.syncs / CLEARANCE_SYNCS, or ingest()'s syncs)`,
    );
  }
}
