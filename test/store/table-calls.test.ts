import { describe, expect, it } from "vitest";
import { TableCalls } from "../../src/store/lancedb/table-calls.js";

describe("the store's table calls", () => {
  it("says once what failed when a read fails inside another (the version a readChunks learns first)", async () => {
    const calls = new TableCalls(new Set());
    const error = await calls
      .read("read chunks", () =>
        calls.read("read the table version", () => Promise.reject(new Error("disk gone"))),
      )
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "STORE_READ_FAILED",
      message: "LanceDB read the table version failed: disk gone",
    });
  });
});
