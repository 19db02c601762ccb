import { describe, expect, it } from "vitest";
import type { QueryRun } from "../../src/retrieval/context.js";
import { affordable, type StaleDenial } from "../../src/retrieval/reverify-cost.js";

/** Only what `affordable` reads of a query: its call budget and the calls it has sent. */
function runWith(maxPermissionCalls: number, permissionCalls: number): QueryRun {
  return {
    ctx: { settings: { budget: { maxPermissionCalls } } },
    tally: { permissionCalls },
  } as unknown as QueryRun;
}

const owner = (recordId: string, listed = false): StaleDenial => ({
  ref: { syncId: "sync-crm", recordId },
  policy: "owner",
  ...(listed ? { listed: true } : {}),
});
const file = (recordId: string): StaleDenial => ({
  ref: { syncId: "sync-drive", recordId },
  policy: undefined,
});

describe("affordable: the stale denials a short answer's re-verification can re-check", () => {
  it("passes over a denial the calls left cannot cover and still picks the free ones after it", () => {
    // One call left: the first owner read takes it; the second cannot be read; the third and
    // fourth are decided by a list renewed in this query: free.
    const denials = [owner("deal-1"), owner("deal-2"), owner("deal-3", true), owner("deal-4", true)];
    const { picked, unaffordable } = affordable(runWith(3, 2), denials);
    expect(picked.map((d) => d.ref.recordId)).toEqual(["deal-1", "deal-3", "deal-4"]);
    expect(unaffordable).toBe(true);
  });

  it("puts a file sync's denials in requests of 200 checks, and a request it cannot send carries none", () => {
    const files = Array.from({ length: 250 }, (_, i) => file(`doc-${i}`));
    const one = affordable(runWith(1, 0), files);
    expect(one.picked).toHaveLength(200);
    expect(one.unaffordable).toBe(true);
    const two = affordable(runWith(2, 0), files);
    expect(two.picked).toHaveLength(250);
    expect(two.unaffordable).toBe(false);
  });

  it("picks nothing that costs a call when none is left, and says so", () => {
    const { picked, unaffordable } = affordable(runWith(5, 5), [owner("deal-1"), file("doc-1")]);
    expect(picked).toEqual([]);
    expect(unaffordable).toBe(true);
  });
});
