import { LRUCache } from "lru-cache";
import { normalizeSubject } from "./subject.js";
import type { Relation, Subject } from "./types.js";

/** What is known about how much one subject may read: it sizes over-fetch and picks the strategy. */
export interface Knowledge {
  /** Candidates post-filtering scanned for the subject, and how many of those were allowed. */
  scanned: number;
  allowed: number;
  /** Records in the subject's complete allow list, per sync, when one was fetched. */
  listSizes?: Record<string, number>;
}

/** Where knowledge outlives the process and is shared by replicas: the store's named state. */
export interface KnowledgeState {
  getState(scope: string, key: string): Promise<string | undefined>;
  putState(scope: string, key: string, value: string): Promise<void>;
  /** Every key of a scope at once (optional): with it a stranger costs no read of its own. */
  listState?(scope: string): Promise<Map<string, string>>;
}

export interface SubjectKnowledgeOptions {
  /** The tenant whose people these are (the state scope is `allow-rate:<tenant>`). */
  tenant: string;
  /**
   * What member-verified views learn (`forUser(email, { member: true })`): kept under a scope of its
   * own, `member-allow-rate:<tenant>`. A verified member may read records (a `tenant` record
   * policy) that the same email asked for unverified may not, so one view's rate misplans the
   * other's queries (test/retrieval/enforcement.test.ts: an unverified person who sees 9 chunks of
   * 1,200, planned from their member view's rate of 1, was post-filtered with 330 checks in 9
   * requests). The unverified scope keeps its old name, so what earlier versions wrote is still read.
   */
  member?: boolean;
  /** Persist here so a person is a stranger once, not once per process. Optional. */
  state?: KnowledgeState | undefined;
  /** Subjects kept in memory (default 10,000). */
  maxSubjects?: number;
  /** How long knowledge is kept in memory without use (default 30 min); the state keeps it longer. */
  ttlMs?: number;
  /** A subject's knowledge is written at most this often (default 5 min), and only when it changed. */
  writeEveryMs?: number;
  /**
   * How long a write waits, in the background, gathering what else is learnt meanwhile (default
   * 1 s). Written at once, a stranger's first write (a store commit, about 10 ms of CPU at 100k
   * chunks) ran during their own first query or the next one.
   */
  writeDelayMs?: number;
  /**
   * With a state that lists a scope, the tenant's whole scope is read at once and re-read in the
   * background this often (default 60 s): what another replica learnt shows within it.
   */
  refreshMs?: number;
}

/** Below this many scanned candidates a subject's rate is not trusted yet. */
const MIN_SAMPLES = 10;
/** Tallies are halved past this, so the rate follows a subject whose access changes. */
const DECAY_AT = 20_000;
/** A tenant scope larger than this is not held in memory: each stranger is looked up on its own. */
const MAX_SNAPSHOT = 50_000;

interface Entry {
  knowledge: Knowledge;
  /** When it was last written to the state (0: never), and what was written. */
  writtenAt: number;
  written: string | undefined;
}

/**
 * The share of candidates each subject was allowed (from post-filtering) and the sizes of their
 * allow lists (from list-objects), per relation: what the auto strategy knows about a person. Kept
 * in a bounded memory and, when given the store's state, persisted (scope `allow-rate:<tenant>`, or
 * `member-allow-rate:<tenant>` for member-verified views,
 * written at most every few minutes per person and only when it changed), so a restarted process or
 * another replica knows the person too. Lost or unreadable state only makes a person a stranger again.
 */
export class SubjectKnowledge {
  readonly #options: SubjectKnowledgeOptions;
  readonly #memory: LRUCache<string, Entry>;
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
  readonly #pending = new Map<string, Entry>();
  #flushTimer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();

  constructor(options: SubjectKnowledgeOptions) {
    this.#options = options;
    this.#memory = new LRUCache<string, Entry>({
      maxSize: options.maxSubjects ?? 10_000,
      sizeCalculation: () => 1,
      ttl: options.ttlMs ?? 30 * 60_000,
    });
    this.#absent = new LRUCache<string, true>({ maxSize: 10_000, sizeCalculation: () => 1, ttl: 5 * 60_000 });
    // Read ahead, so the first query seldom waits for it.
    if (options.state?.listState) void this.#load();
  }

  /** What is known about the subject now, from memory only. */
  peek(subject: Subject, relation: Relation): Knowledge | undefined {
    return this.#memory.get(keyOf(subject, relation))?.knowledge;
  }

  /**
   * What is known about the subject, from memory or else the state: the tenant's scope read whole
   * when the state can list it (strangers then cost no read), else one read per stranger.
   */
  async recall(subject: Subject, relation: Relation): Promise<Knowledge | undefined> {
    const key = keyOf(subject, relation);
    const held = this.#memory.get(key);
    if (held) return held.knowledge;
    const { state } = this.#options;
    if (!state) return undefined;
    const entries = await this.#entries();
    let raw: string | undefined;
    if (entries) raw = entries.get(key);
    else {
      if (this.#absent.has(key)) return undefined;
      try {
        raw = await state.getState(this.#scope(), key);
      } catch {
        return undefined; // a planning hint, never a reason to fail a query
      }
    }
    const knowledge = raw === undefined ? undefined : parse(raw);
    if (!knowledge) {
      if (!entries) this.#absent.set(key, true);
      return undefined;
    }
    // Another query may have learnt something meanwhile: that is newer than the state.
    const now = this.#memory.get(key);
    if (now) return now.knowledge;
    this.#memory.set(key, { knowledge, writtenAt: Date.now(), written: raw });
    return knowledge;
  }

  /** The observed allow rate in [0, 1], or undefined while there is too little evidence. */
  rate(subject: Subject, relation: Relation): number | undefined {
    return rateOf(this.peek(subject, relation));
  }

  /** Adds what one post-filter pass saw. */
  recordScan(subject: Subject, relation: Relation, scanned: number, allowed: number): void {
    if (scanned <= 0) return;
    this.#update(subject, relation, (k) => {
      k.scanned += scanned;
      k.allowed += allowed;
      if (k.scanned > DECAY_AT) {
        k.scanned /= 2;
        k.allowed /= 2;
      }
    });
  }

  /** Notes the sizes of complete allow lists just fetched. */
  recordLists(subject: Subject, relation: Relation, sizes: Record<string, number>): void {
    if (Object.keys(sizes).length === 0) return;
    this.#update(subject, relation, (k) => {
      k.listSizes = { ...k.listSizes, ...sizes };
    });
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
    this.#memory.clear();
    this.#absent.clear();
    this.#snapshot = undefined;
  }

  /** The tenant's scope read whole, re-read in the background once old; undefined: look up per key. */
  async #entries(): Promise<Map<string, string> | undefined> {
    const { state } = this.#options;
    const refreshMs = this.#options.refreshMs ?? 60_000;
    if (!state?.listState || Date.now() - this.#snapshotRefusedAt < refreshMs) return undefined;
    if (!this.#snapshot) await this.#load();
    else if (Date.now() - this.#snapshot.at >= refreshMs) void this.#load();
    return this.#snapshot?.entries;
  }

  #load(): Promise<void> {
    const listState = this.#options.state?.listState;
    if (!listState) return Promise.resolve();
    this.#loading ??= (async () => {
      const at = Date.now();
      try {
        const entries = await listState.call(this.#options.state, this.#scope());
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

  #update(subject: Subject, relation: Relation, change: (knowledge: Knowledge) => void): void {
    const key = keyOf(subject, relation);
    const entry = this.#memory.get(key) ?? {
      knowledge: { scanned: 0, allowed: 0 },
      writtenAt: 0,
      written: undefined,
    };
    change(entry.knowledge);
    this.#memory.set(key, entry);
    this.#absent.delete(key);
    this.#maybeWrite(key, entry);
  }

  /**
   * Schedules a background write when the knowledge changed and the last write is old enough: the
   * first thing learnt about a stranger soon (after `writeDelayMs`, with whatever the rest of their
   * query learnt), changes after that throttled.
   */
  #maybeWrite(key: string, entry: Entry): void {
    const { state } = this.#options;
    if (!state) return;
    const now = Date.now();
    if (entry.written !== undefined && now - entry.writtenAt < (this.#options.writeEveryMs ?? 5 * 60_000))
      return;
    if (serialize(entry.knowledge) === entry.written) return;
    this.#pending.set(key, entry);
    this.#flushTimer ??= setTimeout(() => void this.flush(), this.#options.writeDelayMs ?? 1_000);
    this.#flushTimer.unref?.();
  }

  async #write(key: string, entry: Entry): Promise<void> {
    const state = this.#options.state;
    const value = serialize(entry.knowledge);
    if (!state || value === entry.written) return;
    entry.writtenAt = Date.now();
    entry.written = value;
    try {
      await state.putState(this.#scope(), key, value);
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

/** The allow rate a knowledge record implies, once it rests on enough candidates. */
export function rateOf(knowledge: Knowledge | undefined): number | undefined {
  if (!knowledge || knowledge.scanned < MIN_SAMPLES) return undefined;
  return knowledge.allowed / knowledge.scanned;
}

function keyOf(subject: Subject, relation: Relation): string {
  return `${relation}:${normalizeSubject(subject)}`;
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
