import cliProgress from "cli-progress";
import type { IngestEvent } from "../ingest/index.js";

/** One bar per sync on stderr, advanced per record; the total comes from the Sync API's paging. */
export class IngestProgressBar {
  private readonly bar = new cliProgress.SingleBar(
    {
      format: "{sync} [{bar}] {value}/{total} records | {outcome}",
      hideCursor: true,
      clearOnComplete: false,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  private active = false;

  on(event: IngestEvent): void {
    switch (event.type) {
      case "sync-started":
        this.stop();
        this.bar.start(0, 0, { sync: event.integration ?? event.syncId, outcome: "" });
        this.active = true;
        break;
      case "record-done":
        if (event.total !== undefined) this.bar.setTotal(event.total);
        this.bar.update(event.done, { outcome: event.outcome });
        break;
      case "sync-done":
        this.stop();
        break;
    }
  }

  stop(): void {
    if (this.active) this.bar.stop();
    this.active = false;
  }
}
