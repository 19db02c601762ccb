import { describe, expect, it } from "vitest";
import { chunkId } from "../../src/store/index.js";

const base = { tenant: "acme", syncId: "sync-1", recordId: "rec-1", chunkIndex: 0, contentHash: "h" };

describe("chunkId", () => {
  it("hashes any id the source sends, lone surrogates included (issue 11 item 8)", () => {
    const ids = ["a\uD800", "a\uDC00", "\uDBFF", "a\uFFFD", "a\uD83D\uDE00", "a"];
    const hashed = ids.map((recordId) => chunkId({ ...base, recordId }));
    for (const id of hashed)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // Distinct ids stay distinct: a lone surrogate is not folded into U+FFFD or dropped.
    expect(new Set(hashed).size).toBe(ids.length);
    expect(chunkId({ ...base, tenant: "\uD800" })).not.toBe(chunkId({ ...base, tenant: "\uDC00" }));
  });

  it("is deterministic and names every part unambiguously", () => {
    expect(chunkId(base)).toBe(chunkId({ ...base }));
    const variants = [
      { ...base, syncId: "sync-2" },
      { ...base, tenant: "acme2" },
      { ...base, chunkIndex: 1 },
      { ...base, contentHash: "h2" },
      // Moving text between parts must not collide.
      { ...base, tenant: "acme\u0000sync-1", syncId: "" },
      { ...base, syncId: "sync-1\u0000rec-1", recordId: "" },
    ];
    const ids = new Set([chunkId(base), ...variants.map(chunkId)]);
    expect(ids.size).toBe(variants.length + 1);
  });

  it("differs between two syncs holding the same record (issue 11 item 7)", () => {
    expect(chunkId({ ...base, syncId: "my-drive" })).not.toBe(chunkId({ ...base, syncId: "shared-drive" }));
  });
});
