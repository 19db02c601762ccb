import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type WorkItem, workKey } from "../../src/webhooks/index.js";

describe("the spool's dedupe key", () => {
  it("is one per (tenant, sync, record, event): no separator inside an id makes two events one", () => {
    const record = (syncId: string, recordId: string): WorkItem => ({
      kind: "record",
      event: "record_updated",
      tenant: "t",
      syncId,
      recordId,
    });
    // Absorbed as a duplicate, the second event would never be applied.
    expect(workKey(record("a\u0000b", "c"))).not.toBe(workKey(record("a", "b\u0000c")));
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), fc.string(), (s1, r1, s2, r2) => {
        fc.pre(s1 !== s2 || r1 !== r2);
        expect(workKey(record(s1, r1))).not.toBe(workKey(record(s2, r2)));
      }),
    );
  });
});
