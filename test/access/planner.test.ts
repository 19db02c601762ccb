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
const rate = (r: number) => ({ scanned: 1_000, allowed: Math.round(r * 1_000) });
const plan = (input: Partial<Parameters<typeof planStrategy>[0]>) =>
  planStrategy({
    requested: "auto",
    cachedAllowSets: undefined,
    knowledge: undefined,
    thresholds: DEFAULT_PLANNER_THRESHOLDS,
    ...input,
  });

describe("planStrategy", () => {
  it("obeys a forced strategy", () => {
    expect(plan({ requested: "post", knowledge: rate(0) }).strategy).toBe("post");
    expect(plan({ requested: "pre", knowledge: rate(1) }).strategy).toBe("pre");
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
    expect(plan({ knowledge: rate(0.001) }).strategy).toBe("pre");
    expect(plan({ knowledge: rate(0.5) })).toMatchObject({ strategy: "post", fallbackToPre: true });
  });

  it("pre-filters a subject whose allow lists were small when last fetched (by any process)", () => {
    const knowledge = { scanned: 0, allowed: 0, listSizes: { s1: 40, s2: 10 } };
    expect(plan({ knowledge, syncIds: ["s1", "s2"] }).strategy).toBe("pre");
    // A sync whose list size is unknown: nothing to go on.
    expect(plan({ knowledge, syncIds: ["s1", "s3"] }).strategy).toBe("race");
    const big = { scanned: 0, allowed: 0, listSizes: { s1: 50_000 } };
    expect(plan({ knowledge: big, syncIds: ["s1"] }).strategy).toBe("race");
  });

  it("uses large cached lists when they are proven current, and not otherwise", () => {
    const large = [set(DEFAULT_PLANNER_THRESHOLDS.preMaxRecords + 1)];
    expect(plan({ cachedAllowSets: large, cachedListsTrusted: true }).strategy).toBe("pre");
    expect(plan({ cachedAllowSets: large, cachedListsTrusted: false }).strategy).toBe("post");
  });

  it("races a post-filter round against the allow-list fetch when nothing is known", () => {
    expect(plan({})).toMatchObject({ strategy: "race", fallbackToPre: true });
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
          const knowledge = allowRate === undefined ? undefined : rate(allowRate);
          const result = plan({ requested, cachedAllowSets, knowledge });
          expect(result.reason.length).toBeGreaterThan(0);
          if (cachedAllowSets?.some((s) => !s.complete)) expect(result.strategy).toBe("post");
        },
      ),
    );
  });
});
