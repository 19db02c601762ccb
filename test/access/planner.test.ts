import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type AllowSet, DEFAULT_PLANNER_THRESHOLDS, planStrategy } from "../../src/access/index.js";

const set = (size: number, complete = true): AllowSet => ({
  syncId: "s",
  recordIds: new Set(Array.from({ length: size }, (_, i) => `r${i}`)),
  complete,
  everything: false,
  requestedAt: 0,
});
const plan = (input: Partial<Parameters<typeof planStrategy>[0]>) =>
  planStrategy({
    requested: "auto",
    cachedAllowSets: undefined,
    allowRate: undefined,
    thresholds: DEFAULT_PLANNER_THRESHOLDS,
    ...input,
  });

describe("planStrategy", () => {
  it("obeys a forced strategy", () => {
    expect(plan({ requested: "post", allowRate: 0 }).strategy).toBe("post");
    expect(plan({ requested: "pre", allowRate: 1 }).strategy).toBe("pre");
  });

  it("pre-filters a subject with a small complete cached allow set", () => {
    expect(plan({ cachedAllowSets: [set(10), set(20)] })).toMatchObject({ strategy: "pre" });
  });

  it("post-filters when a cached set is large or incomplete", () => {
    expect(plan({ cachedAllowSets: [set(DEFAULT_PLANNER_THRESHOLDS.preMaxRecords + 1)] })).toMatchObject({
      strategy: "post",
      fallbackToPre: true,
    });
    expect(plan({ cachedAllowSets: [set(10, false)] })).toMatchObject({
      strategy: "post",
      fallbackToPre: false,
    });
  });

  it("pre-filters a subject whose observed allow rate is low, post-filters otherwise", () => {
    expect(plan({ allowRate: 0.001 }).strategy).toBe("pre");
    expect(plan({ allowRate: 0.5 })).toMatchObject({ strategy: "post", fallbackToPre: true });
  });

  it("starts with post-filter and a pre-filter fallback when nothing is known", () => {
    expect(plan({})).toMatchObject({ strategy: "post", fallbackToPre: true });
  });

  it("always explains itself, and never pre-filters with an incomplete list", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("auto" as const, "post" as const),
        fc.option(fc.array(fc.tuple(fc.nat(10_000), fc.boolean()), { minLength: 1, maxLength: 3 }), {
          nil: undefined,
        }),
        fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
        (requested, sets, allowRate) => {
          const cachedAllowSets = sets?.map(([size, complete]) => set(Math.min(size, 50), complete));
          const result = plan({ requested, cachedAllowSets, allowRate });
          expect(result.reason.length).toBeGreaterThan(0);
          if (cachedAllowSets?.some((s) => !s.complete)) expect(result.strategy).toBe("post");
        },
      ),
    );
  });
});
