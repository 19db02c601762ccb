import { Int32, makeTable, Table, vectorFromArray } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { columnOf, distancesOf, vectorsOf } from "../../src/store/lancedb/arrow-rows.js";

describe("LanceDB results read by column", () => {
  it("reads a null of a numeric column as null, and a 0 as 0", () => {
    const table = new Table({ page: vectorFromArray([3, null, 0], new Int32()) });
    expect(Array.from(columnOf<number>(table, "page"))).toEqual([3, null, 0]);
    const noNulls = new Table({ page: vectorFromArray([3, 0], new Int32()) });
    expect(Array.from(columnOf<number>(noNulls, "page"))).toEqual([3, 0]);
  });

  it("refuses a search result with rows but no distances, which could not be ranked", () => {
    const rows = new Table({ page: vectorFromArray([1], new Int32()) });
    expect(() => distancesOf(rows)).toThrow(expect.objectContaining({ code: "STORE_READ_FAILED" }));
    expect(distancesOf(makeTable({}))).toEqual([]);
  });

  it("reads no vectors from a result of no rows, which LanceDB returns without any column", () => {
    expect(vectorsOf(new Table())).toEqual([]);
  });
});
