import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { leaseName } from "../../src/ingest/index.js";

describe("sync lease names", () => {
  it("name one (tenant, sync) each: a tenant id with the separator in it cannot take another tenant's lease", () => {
    // Connected User ids are the product's own user ids, and `org:42` is a common shape.
    expect(leaseName("org:42", "sync-1")).not.toBe(leaseName("org", "42:sync-1"));
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), fc.string(), (t1, s1, t2, s2) => {
        fc.pre(t1 !== t2 || s1 !== s2);
        expect(leaseName(t1, s1)).not.toBe(leaseName(t2, s2));
      }),
    );
  });
});
