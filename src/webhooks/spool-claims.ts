import { join } from "node:path";
import type { QueuedItem } from "./queued-item.js";
import { laneName, SpoolLane } from "./spool-lane.js";

/** What is pending, from the lanes' counts and the claimed window (the gauges of `QueueStats`). */
export interface SpoolBacklog {
  pending: number;
  pendingTenants: number;
  inMemory: number;
  lagMs: number;
}

/**
 * The spool's tenant lanes and the events claimed from them: the claimed window is the only part
 * of the queue held in memory. Tenants take turns at claiming, so a flood from one never starves
 * another's events.
 */
export class SpoolClaims {
  // Map order is the turn order: a lane served goes to the back.
  private readonly lanes = new Map<string, SpoolLane>();
  private readonly claimed = new Map<string, QueuedItem>();

  constructor(
    private readonly pendingDir: string,
    private readonly fsync: boolean,
  ) {}

  /** The lane of that name, created (in memory) on first use. */
  laneNamed(name: string): SpoolLane {
    let lane = this.lanes.get(name);
    if (!lane) {
      lane = new SpoolLane(name, join(this.pendingDir, name), this.fsync);
      this.lanes.set(name, lane);
    }
    return lane;
  }

  /**
   * Claims up to `max` events with `take` (which moves one file of a lane and parses it, undefined
   * when it could not). Tenants take turns: each with a backlog gets an equal share of `max`, and
   * what one leaves unused goes to the others.
   */
  async claim(
    max: number,
    take: (lane: SpoolLane, name: string) => Promise<QueuedItem | undefined>,
  ): Promise<QueuedItem[]> {
    const out: QueuedItem[] = [];
    // Tenants with the fewest events in memory first (a newcomer before a flood), then in turn.
    let turn = [...this.lanes.values()]
      .filter((lane) => lane.onDisk > 0)
      .sort((a, b) => a.inMemory - b.inMemory);
    while (out.length < max && turn.length > 0) {
      const share = Math.max(1, Math.floor((max - out.length) / turn.length));
      const next: SpoolLane[] = [];
      for (const lane of turn) {
        const want = Math.min(share, max - out.length);
        if (want <= 0) break;
        const got = await lane.read(
          want,
          (id) => this.claimed.has(id),
          (name) => take(lane, name),
        );
        out.push(...got);
        if (got.length === want && lane.onDisk > 0) next.push(lane);
        // Served: to the back of the line, so the next claim starts with the others.
        this.lanes.delete(lane.name);
        this.lanes.set(lane.name, lane);
      }
      turn = next;
    }
    return out;
  }

  /** `queued`, read from `lane`, is now in memory. */
  hold(lane: SpoolLane, queued: QueuedItem): void {
    this.claimed.set(queued.id, queued);
    lane.inMemory++;
  }

  /** `queued` is done (or given up): it leaves memory, and a second copy of it may be claimed. */
  release(queued: QueuedItem): void {
    if (!this.claimed.delete(queued.id)) return;
    const lane = this.lanes.get(laneName(queued.item.tenant));
    if (lane) lane.inMemory = Math.max(0, lane.inMemory - 1);
  }

  backlog(): SpoolBacklog {
    const now = Date.now();
    let oldest = Number.POSITIVE_INFINITY;
    let onDisk = 0;
    let pendingTenants = 0;
    for (const q of this.claimed.values()) oldest = Math.min(oldest, q.acceptedAt);
    for (const lane of this.lanes.values()) {
      if (lane.onDisk > 0 || lane.inMemory > 0) pendingTenants++;
      if (lane.onDisk <= 0) continue;
      onDisk += lane.onDisk;
      oldest = Math.min(oldest, lane.oldestBound() ?? now);
    }
    return {
      pending: onDisk + this.claimed.size,
      pendingTenants,
      inMemory: this.claimed.size,
      lagMs: Number.isFinite(oldest) ? Math.max(0, now - oldest) : 0,
    };
  }
}
