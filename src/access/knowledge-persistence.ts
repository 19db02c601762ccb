import { LRUCache } from "lru-cache";
import type { Knowledge, SubjectKnowledgeOptions } from "./subject-knowledge.js";

/** Where knowledge outlives the process and is shared by replicas: the store's named state. */
export interface KnowledgeState {
  getState(scope: string, key: string): Promise<string | undefined>;
  putState(scope: string, key: string, value: string): Promise<void>;
  /** Every key of a scope at once (optional): with it a stranger costs no read of its own. */
  listState?(scope: string): Promise<Map<string, string>>;
}

/** One subject's knowledge as held in memory, with what of it the state has. */
export interface KnowledgeEntry {
  knowledge: Knowledge;
  /** When it was last written to the state (0: never), and what was written. */
  writtenAt: number;
  written: string | undefined;
}

/** A tenant scope larger than this is not held in memory: each stranger is looked up on its own. */
const MAX_SNAPSHOT = 50_000;

/**
 * Subject knowledge in the store's state (scope `allow-rate:<tenant>`, or `member-allow-rate:<tenant>`
 * for member-verified views): read back whole or per key, written in delayed batches, at most every
 * few minutes per person and only when it changed. Lost or unreadable state only makes a person a
 * stranger again.
 */
export class KnowledgePersistence {
  readonly #state: KnowledgeState;
  readonly #options: SubjectKnowledgeOptions;
  /** Subjects looked up in the state and not found, so a stranger costs one read, not one per query. */
  readonly #absent: LRUCache<string, true>;
  /**
   * The tenant's scope as last read whole (when the state can list it): a stranger's lookup costs
   * no read. That lookup sat in front of every first query (a state read costs about as much as a
   * vector search).
   */
  #snapshot: { at: number; entries: Map<string, string> } | undefined;
  #loading: Promise<void> | undefined;
  /** When the last whole read failed or was too large (epoch ms); per-key reads until refreshMs later. */
  #snapshotRefusedAt = Number.NEGATIVE_INFINITY;
  /** Subjects whose knowledge waits to be written, and the timer that writes them. */
  readonly #pending = new Map<string, KnowledgeEntry>();
  #flushTimer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();

  constructor(state: KnowledgeState, options: SubjectKnowledgeOptions) {
    this.#state = state;
    this.#options = options;
    this.#absent = new LRUCache<string, true>({ maxSize: 10_000, sizeCalculation: () => 1, ttl: 5 * 60_000 });
    // Read ahead, so the first query seldom waits for it.
    if (state.listState) void this.#load();
  }

  /**
   * What the state knows under the key, and as what text: the tenant's scope read whole when the
   * state can list it (strangers then cost no read), else one read per stranger.
   */
  async read(key: string): Promise<{ knowledge: Knowledge; raw: string } | undefined> {
    const entries = await this.#entries();
    let raw: string | undefined;
    if (entries) raw = entries.get(key);
    else {
      if (this.#absent.has(key)) return undefined;
      try {
        raw = await this.#state.getState(this.#scope(), key);
      } catch {
        return undefined; // a planning hint, never a reason to fail a query
      }
    }
    const knowledge = raw === undefined ? undefined : parse(raw);
    if (raw === undefined || !knowledge) {
      if (!entries) this.#absent.set(key, true);
      return undefined;
    }
    return { knowledge, raw };
  }

  /**
   * Notes that the entry changed: the key is no longer absent, and a background write is scheduled
   * when the last write is old enough: the first thing learnt about a stranger soon (after
   * `writeDelayMs`, with whatever the rest of their query learnt), changes after that throttled.
   */
  changed(key: string, entry: KnowledgeEntry): void {
    this.#absent.delete(key);
    const now = Date.now();
    if (entry.written !== undefined && now - entry.writtenAt < (this.#options.writeEveryMs ?? 5 * 60_000))
      return;
    if (serialize(entry.knowledge) === entry.written) return;
    this.#pending.set(key, entry);
    this.#flushTimer ??= setTimeout(() => void this.flush(), this.#options.writeDelayMs ?? 1_000);
    this.#flushTimer.unref?.();
  }

  /** Writes what waits to be written now (tests, shutdown); resolves once every write settled. */
  flush(): Promise<void> {
    if (this.#flushTimer) clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    const batch = [...this.#pending];
    this.#pending.clear();
    // One write after another: a burst of concurrent commits would only conflict and retry.
    this.#flushing = this.#flushing.then(async () => {
      for (const [key, entry] of batch) await this.#write(key, entry);
    });
    return this.#flushing;
  }

  clear(): void {
    this.#absent.clear();
    this.#snapshot = undefined;
  }

  /** The tenant's scope read whole, re-read in the background once old; undefined: look up per key. */
  async #entries(): Promise<Map<string, string> | undefined> {
    const refreshMs = this.#options.refreshMs ?? 60_000;
    if (!this.#state.listState || Date.now() - this.#snapshotRefusedAt < refreshMs) return undefined;
    if (!this.#snapshot) await this.#load();
    else if (Date.now() - this.#snapshot.at >= refreshMs) void this.#load();
    return this.#snapshot?.entries;
  }

  #load(): Promise<void> {
    const listState = this.#state.listState;
    if (!listState) return Promise.resolve();
    this.#loading ??= (async () => {
      const at = Date.now();
      try {
        const entries = await listState.call(this.#state, this.#scope());
        if (entries.size > MAX_SNAPSHOT) {
          this.#snapshot = undefined;
          this.#snapshotRefusedAt = at;
        } else this.#snapshot = { at, entries };
      } catch {
        // Keep what was read before; without it, per-key reads until the next try.
        if (!this.#snapshot) this.#snapshotRefusedAt = at;
      } finally {
        this.#loading = undefined;
      }
    })();
    return this.#loading;
  }

  async #write(key: string, entry: KnowledgeEntry): Promise<void> {
    const value = serialize(entry.knowledge);
    if (value === entry.written) return;
    entry.writtenAt = Date.now();
    entry.written = value;
    try {
      await this.#state.putState(this.#scope(), key, value);
      // Held whole, the scope knows it too: memory may forget the subject before the next re-read.
      this.#snapshot?.entries.set(key, value);
    } catch {
      entry.written = undefined; // try again next time
    }
  }

  #scope(): string {
    return `${this.#options.member ? "member-" : ""}allow-rate:${this.#options.tenant}`;
  }
}

// Rounded so an unchanged picture writes nothing.
function serialize(knowledge: Knowledge): string {
  return JSON.stringify({
    scanned: Math.round(knowledge.scanned),
    allowed: Math.round(knowledge.allowed),
    ...(knowledge.listSizes ? { listSizes: knowledge.listSizes } : {}),
  });
}

function parse(raw: string): Knowledge | undefined {
  try {
    const value = JSON.parse(raw) as Partial<Knowledge>;
    if (!Number.isFinite(value.scanned) || !Number.isFinite(value.allowed)) return undefined;
    const sizes = value.listSizes;
    const listSizes =
      sizes && typeof sizes === "object" && Object.values(sizes).every((n) => Number.isInteger(n))
        ? sizes
        : undefined;
    return {
      scanned: value.scanned as number,
      allowed: value.allowed as number,
      ...(listSizes ? { listSizes } : {}),
    };
  } catch {
    return undefined;
  }
}
