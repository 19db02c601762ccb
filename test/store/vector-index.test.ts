import type { VectorQuery } from "@lancedb/lancedb";
import { describe, expect, it } from "vitest";
import { type AnnQuery, DEFAULT_ANN_QUERY } from "../../src/store/lancedb/index-settings.js";
import { tuneAnnQuery } from "../../src/store/lancedb/vector-index.js";

/** A query builder that records the settings tuneAnnQuery gives it (the real one needs a table). */
function recordingQuery() {
  const set: { ef?: number; refineFactor?: number; nprobes?: number } = {};
  const query = {
    ef(value: number) {
      set.ef = value;
      return query;
    },
    refineFactor(value: number) {
      set.refineFactor = value;
      return query;
    },
    nprobes(value: number) {
      set.nprobes = value;
      return query;
    },
  };
  return { query: query as unknown as VectorQuery, set };
}

function tuned(results: number, options: { rerank?: boolean; ann?: AnnQuery } = {}) {
  const { query, set } = recordingQuery();
  tuneAnnQuery(query, options.ann ?? DEFAULT_ANN_QUERY, results, { rerank: options.rerank ?? true });
  return set;
}

describe("tuneAnnQuery", () => {
  it("gives a k-sized search efPerResult candidates per result and a 2× re-rank", () => {
    expect(tuned(10)).toEqual({ ef: 40, refineFactor: 2 });
    expect(tuned(30)).toEqual({ ef: 120, refineFactor: 2 });
  });

  it("gives a large page efPerResult candidates per result (up to 1,000) and one re-rank, or none when approximate", () => {
    // Not fewer candidates for large pages: a 10 % reader's best 10 lie deep in a stranger's first
    // page, and exploring 2 per result (ef 300) let cold recall@10 fall to 0.967 in bench/retrieval.ts.
    expect(tuned(150)).toEqual({ ef: 600, refineFactor: 1 });
    expect(tuned(150, { rerank: false })).toEqual({ ef: 600 });
    expect(tuned(50)).toEqual({ ef: 200, refineFactor: 1 });
    expect(tuned(400)).toEqual({ ef: 1_000, refineFactor: 1 });
  });

  it("never asks for an ef below the candidates it fetches or LanceDB's own 1.5×", () => {
    expect(tuned(2_000)).toEqual({ ef: 3_000, refineFactor: 1 });
    expect(tuned(20, { ann: { efPerResult: 1, refineFactor: 4 } })).toEqual({ ef: 80, refineFactor: 4 });
  });
});
