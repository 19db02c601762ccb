import type { IngestOptions } from "./options.js";
import type { IngestReport } from "./report.js";

/**
 * Pulls a tenant's synced records through the Sync API, turns them into text, chunks, embeds and
 * upserts them, each chunk tagged with tenant, sync and record id. Incremental by default (each
 * sync resumes from its saved cursor; unchanged records are neither downloaded nor embedded);
 * `mode: "full"` re-pulls everything and deletes what the syncs no longer have.
 *
 * It throws only for unusable options. Everything else lands in the report: a record that can
 * never be indexed as it is (encrypted, empty, too large…) is listed in `unindexable` and not read
 * again until it changes; a record that failed this time (network, service) is a `failures` entry,
 * retried next run; either way the run goes on. A sync whose pull keeps failing, or whose lease
 * another run holds, is marked and the next sync runs; a store, embedder or credential failure
 * (or `signal`) stops the run with `report.error`. `report.ok` is false when a record failed, a
 * sync aborted or the run stopped; unindexable records and locked syncs leave it true.
 *
 * The pipeline (planning, extraction in worker threads, chunking) loads at the first run, so
 * `import "clearance"` does not pay for it.
 *
 * @example
 * const report = await ingest({ client, store, embeddings, tenant: "northwind" });
 * if (!report.ok) console.error(report.failures);
 */
export async function ingest(options: IngestOptions): Promise<IngestReport> {
  const { ingest: run } = await import("./ingest.js");
  return run(options);
}
