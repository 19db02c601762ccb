import { describe, expect, it } from "vitest";
import type { AllowSet } from "../../src/access/index.js";
import { type QueryRun, refKey } from "../../src/retrieval/context.js";
import { keeping, stillAllowed } from "../../src/retrieval/reverified-hits.js";
import type { ScoredChunk } from "../../src/store/index.js";
import { makeChunk } from "../store/fixtures.js";

// What a short answer keeps of its earlier hits when its re-verification failed or fell back to a
// post-filter: never one this query has since learnt is not allowed (no leak), and every other one
// (nothing confirmed is lost).
const STARTED = 1_000_000;
const hit = (syncId: string, recordId: string, score: number): ScoredChunk => {
  const { vector: _vector, ...chunk } = makeChunk({ syncId, recordId, vector: [1, 0] });
  return { chunk, score };
};
const list = (syncId: string, recordIds: string[], requestedAt: number, everything = false): AllowSet => ({
  syncId,
  recordIds: new Set(recordIds),
  complete: true,
  everything,
  requestedAt,
});

function runWith(decided: [string, string, boolean][], lists: AllowSet[]): QueryRun {
  return {
    k: 5,
    startedAt: STARTED,
    decided: new Map(decided.map(([syncId, recordId, allowed]) => [refKey(syncId, recordId), allowed])),
    lists: new Map(lists.map((set) => [set.syncId, set])),
  } as unknown as QueryRun;
}

describe("the earlier hits a short answer keeps", () => {
  const hits = [
    hit("s1", "denied-since", 0.9),
    hit("s1", "confirmed", 0.8),
    hit("s2", "left-out-by-a-new-list", 0.7),
    hit("s2", "named-by-the-new-list", 0.6),
    hit("s3", "left-out-by-an-old-list", 0.5),
    hit("s4", "in-an-everything-list", 0.4),
  ];
  const run = runWith(
    [
      ["s1", "denied-since", false],
      ["s1", "confirmed", true],
    ],
    [
      list("s2", ["named-by-the-new-list"], STARTED + 5),
      // Requested before the query: no word on what the query confirmed since.
      list("s3", [], STARTED - 5),
      list("s4", [], STARTED + 5, true),
    ],
  );
  const kept = ["confirmed", "named-by-the-new-list", "left-out-by-an-old-list", "in-an-everything-list"];

  it("drops those the query denied since or a list it requested leaves out, and keeps the rest", () => {
    expect(stillAllowed(run, hits).map((h) => h.chunk.recordId)).toEqual(kept);
  });

  it("merges the same ones, by score, into a post-filter's outcome that did not reach them", () => {
    const reached = hit("s1", "found-by-the-post-filter", 0.85);
    const outcome = keeping(run, hits, { hits: [reached], exhausted: true, budgetHit: null });
    expect(outcome.hits.map((h) => h.chunk.recordId)).toEqual([
      "found-by-the-post-filter",
      "confirmed",
      "named-by-the-new-list",
      "left-out-by-an-old-list",
      "in-an-everything-list",
    ]);
  });
});
