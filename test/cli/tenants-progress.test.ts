import { Writable } from "node:stream";
import { stripVTControlCharacters } from "node:util";
import { describe, expect, it } from "vitest";
import { TenantsProgress } from "../../src/cli/tenants-progress.js";
import { emptyCounts, type IngestReport } from "../../src/ingest/index.js";

// Issue 10: "the progress display shows tenants done/total and the current syncs". The display is
// only drawn on a terminal, so it is fed a stream that says it is one and keeps what was drawn.
class FakeTerminal extends Writable {
  readonly isTTY = true;
  readonly columns = 160;
  drawn = "";
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.drawn += String(chunk);
    done();
  }
  /** What was drawn, without cursor movements and colours, one line per drawn line. */
  lines(): string[] {
    return stripVTControlCharacters(this.drawn)
      .split(/[\r\n]+/)
      .map((l) => l.trim())
      .filter((l) => l !== "");
  }
}

const reportOf = (tenant: string, ok: boolean, seen: number, failed = 0): IngestReport => ({
  tenant,
  mode: "incremental",
  ok,
  startedAt: "2026-12-07T00:00:00.000Z",
  finishedAt: "2026-12-07T00:00:01.000Z",
  durationMs: 1000,
  counts: { ...emptyCounts(), seen, failed },
  syncs: [],
  failures: [],
  unindexable: [],
  skips: [],
  contentUnread: [],
  removedSyncs: [],
  ...(ok ? {} : { error: { code: "MANAGED_SYNC_UNAUTHORIZED", message: "401" } }),
});

describe("the many-tenant ingest progress display", () => {
  it("shows tenants done/total, each running tenant's current sync and records, and each outcome", () => {
    const terminal = new FakeTerminal();
    const progress = new TenantsProgress(terminal as unknown as NodeJS.WriteStream);
    try {
      progress.on({ type: "tenants-started", tenants: ["acme", "globex", "initech"], concurrency: 2 });
      progress.on({ type: "tenant-started", tenant: "acme" });
      progress.on({ type: "tenant-started", tenant: "globex" });
      progress.on({
        type: "tenant-event",
        tenant: "acme",
        event: {
          type: "sync-started",
          syncId: "sync-7",
          integration: "googledrive",
          mode: "incremental",
          resumed: false,
        },
      });
      progress.on({
        type: "tenant-event",
        tenant: "acme",
        event: { type: "record-done", syncId: "sync-7", recordId: "r3", outcome: "new", done: 3, total: 10 },
      });
      // globex finishes (its credentials were revoked) while acme is still in its drive.
      progress.on({
        type: "tenant-done",
        tenant: "globex",
        report: reportOf("globex", false, 0),
        done: 1,
        total: 3,
      });
    } finally {
      progress.stop();
    }
    const lines = terminal.lines();
    expect(lines).toContain("globex: FAILED: MANAGED_SYNC_UNAUTHORIZED (0 records, 0 failed)");
    const overall = lines.filter((l) => l.startsWith("tenants "));
    expect(overall.at(-1)).toMatch(/^tenants \[.*\] 1\/3 done \| acme$/);
    const acme = lines.filter((l) => l.startsWith("acme "));
    expect(acme.at(-1)).toMatch(/^acme \[.*\] 3\/10 records \| sync googledrive sync-7$/);
  });

  it("shows the last tenant's outcome even when the run ends right after it", () => {
    const terminal = new FakeTerminal();
    const progress = new TenantsProgress(terminal as unknown as NodeJS.WriteStream);
    progress.on({ type: "tenants-started", tenants: ["acme"], concurrency: 1 });
    progress.on({ type: "tenant-started", tenant: "acme" });
    progress.on({
      type: "tenant-done",
      tenant: "acme",
      report: reportOf("acme", true, 12),
      done: 1,
      total: 1,
    });
    progress.stop();
    const lines = terminal.lines();
    expect(lines).toContain("acme: ok (12 records, 0 failed)");
    expect(lines.at(-1)).toMatch(/^tenants \[.*\] 1\/1 done/);
  });
});
