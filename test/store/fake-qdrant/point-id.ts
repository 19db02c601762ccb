import { formatError } from "./errors.js";

/** A point id as Qdrant stores it: an unsigned integer, or a UUID in lowercase hyphenated form. */
export type PointId = number | string;

const HEX32 = /^[0-9a-f]{32}$/;

/**
 * Parses a point id the way Qdrant does (qdrant.tech/documentation/concepts/points, "Point IDs"):
 * a 64-bit unsigned integer, or a UUID string in simple, hyphenated or urn form, answered back in
 * hyphenated lowercase. Anything else (a digit string like "1" included) is a 400.
 */
export function parsePointId(raw: unknown): PointId {
  if (typeof raw === "number" && Number.isSafeInteger(raw) && raw >= 0) return raw;
  if (typeof raw === "string") {
    const bare = raw.toLowerCase().replace(/^urn:uuid:/, "");
    const hex = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(bare)
      ? bare.replaceAll("-", "")
      : bare;
    if (HEX32.test(hex)) {
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    }
  }
  throw formatError(
    `value ${typeof raw === "string" ? raw : JSON.stringify(raw)} is not a valid point ID, valid values are either an unsigned integer or a UUID`,
  );
}

/** The map key of a point id: integers and UUIDs never collide ("n:" / "u:"). */
export function idKey(id: PointId): string {
  return typeof id === "number" ? `n:${id}` : `u:${id}`;
}

/** Scroll order: by id, integers before UUIDs (Qdrant's `ExtendedPointId` ordering). */
export function compareIds(a: PointId, b: PointId): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "number") return -1;
  if (typeof b === "number") return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
