import { randomUUID } from "node:crypto";
import type { ChunkStore } from "../store/index.js";

/** This process, as the writer of the positions it saves (its clock is the one `through` is on). */
export const THIS_PROCESS = randomUUID();

/** Where a sync's follower resumes: the feed's continuation token and when it was caught up at it. */
export interface SavedPosition {
  token: string;
  /**
   * When the poll that reached this token was sent (epoch ms, the saver's clock): changes after it
   * come after the token. A resumer allows for skew between its clock and the saver's.
   */
  through: number;
  /** The process that saved it ({@link THIS_PROCESS}): another one's clock may be skewed from ours. */
  writer?: string;
}

/** What the follower needs from the store: its generic named state. */
export type StateStore = Pick<ChunkStore, "getState" | "putState" | "deleteState">;

/**
 * Each sync's feed position in the store's named state (scope `feed:<tenant>`, key the sync id),
 * so a restarted or another replica's follower resumes where the last one was caught up. A broken
 * value is ignored (the follower starts from now), never trusted.
 */
export class FeedTokens {
  constructor(private readonly store: StateStore) {}

  async load(tenant: string, syncId: string): Promise<SavedPosition | undefined> {
    const raw = await this.store.getState(scopeOf(tenant), syncId);
    if (raw === undefined) return undefined;
    try {
      const value = JSON.parse(raw) as Partial<SavedPosition>;
      if (typeof value.token === "string" && value.token !== "" && Number.isFinite(value.through)) {
        return {
          token: value.token,
          through: value.through as number,
          ...(typeof value.writer === "string" ? { writer: value.writer } : {}),
        };
      }
    } catch {
      // Not ours or truncated: start over.
    }
    return undefined;
  }

  save(tenant: string, syncId: string, position: SavedPosition): Promise<void> {
    return this.store.putState(scopeOf(tenant), syncId, JSON.stringify(position));
  }

  forget(tenant: string, syncId: string): Promise<void> {
    return this.store.deleteState(scopeOf(tenant), syncId);
  }
}

function scopeOf(tenant: string): string {
  return `feed:${tenant}`;
}
