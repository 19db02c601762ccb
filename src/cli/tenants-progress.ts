import cliProgress from "cli-progress";
import type { TenantIngestEvent } from "../tenants/index.js";

/**
 * The many-tenant ingest display on stderr: one line with tenants done/total, and one line per
 * tenant in flight with its current sync and records done. A finished tenant's line goes away
 * and is logged above the bars with its outcome.
 */
export class TenantsProgress {
  readonly #bars: cliProgress.MultiBar;
  #overall: cliProgress.SingleBar | undefined;
  readonly #running = new Map<string, cliProgress.SingleBar>();

  constructor(stream: NodeJS.WriteStream) {
    this.#bars = new cliProgress.MultiBar(
      {
        format: "{label} [{bar}] {value}/{total} {unit} | {detail}",
        hideCursor: true,
        clearOnComplete: false,
        stream,
      },
      cliProgress.Presets.shades_classic,
    );
  }

  on(event: TenantIngestEvent): void {
    switch (event.type) {
      case "tenants-started":
        this.#overall = this.#bars.create(event.tenants.length, 0, {
          label: "tenants",
          unit: "done",
          detail: `${event.concurrency} at once`,
        });
        break;
      case "tenant-started":
        this.#running.set(
          event.tenant,
          this.#bars.create(0, 0, { label: event.tenant, unit: "records", detail: "listing syncs" }),
        );
        break;
      case "tenant-event": {
        const bar = this.#running.get(event.tenant);
        const inner = event.event;
        if (!bar) break;
        if (inner.type === "sync-started") {
          bar.setTotal(0);
          bar.update(0, { detail: `sync ${inner.integration ?? ""} ${inner.syncId}`.replace("  ", " ") });
        } else if (inner.type === "record-done") {
          if (inner.total !== undefined) bar.setTotal(inner.total);
          bar.update(inner.done);
        }
        break;
      }
      case "tenant-done": {
        const { report } = event;
        const outcome = report.ok ? "ok" : `FAILED${report.error ? `: ${report.error.code}` : ""}`;
        // Logged before the bar goes: remove() redraws and so flushes the log. A line logged after
        // it waited for the next timed redraw, and stop() never flushes, so the last tenant's
        // outcome was lost when the run ended within 100 ms of it.
        this.#bars.log(
          `${event.tenant}: ${outcome} (${report.counts.seen} records, ${report.counts.failed} failed)\n`,
        );
        const bar = this.#running.get(event.tenant);
        if (bar) this.#bars.remove(bar);
        this.#running.delete(event.tenant);
        this.#overall?.update(event.done, {
          detail: this.#running.size > 0 ? [...this.#running.keys()].join(", ") : "",
        });
        break;
      }
    }
  }

  stop(): void {
    this.#bars.stop();
  }
}
