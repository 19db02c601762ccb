import { ClearanceError } from "../../errors.js";

// A cursor names the last seq the caller has seen, bound to its sync so it cannot be replayed elsewhere.

/** Encodes the position after `seq` in a sync as an opaque, URL-safe token. */
export function encodeCursor(syncId: string, seq: number): string {
  return Buffer.from(`${syncId.slice(0, 8)}:${seq}`).toString("base64url");
}

/** Decodes a cursor; an absent cursor is the start (seq 0). */
export function decodeCursor(syncId: string, cursor: string | undefined): number {
  if (cursor === undefined || cursor === "") return 0;
  const [prefix, seq] = Buffer.from(cursor, "base64url").toString("utf8").split(":");
  const value = Number(seq);
  if (prefix !== syncId.slice(0, 8) || !Number.isSafeInteger(value) || value < 0) {
    throw new ClearanceError(
      "INVALID_CURSOR",
      "cursor is not one this sync returned: resume from a saved paging.cursor, or omit it to start over",
    );
  }
  return value;
}
