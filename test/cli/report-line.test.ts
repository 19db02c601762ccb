import { describe, expect, it } from "vitest";
import { reportLine } from "../../src/cli/commands/query.js";
import type { RetrievalReport } from "../../src/retrieval/index.js";

// The fields reportLine reads; the rest of a report does not change the line.
const report = (fields: Partial<RetrievalReport>): RetrievalReport =>
  ({
    subject: "ana@northwind.test",
    tenant: "northwind",
    strategy: "pre",
    k: 5,
    returned: 2,
    candidatesScanned: 2,
    permissionCalls: 2,
    cacheHits: 0,
    itemErrors: 0,
    elapsedMs: 12,
    exhausted: true,
    budgetHit: null,
    ...fields,
  }) as RetrievalReport;

describe("clearance query's report line, for an answer short of k", () => {
  it("says the store is exhausted only when the report says so", () => {
    expect(reportLine(report({}))).toContain("store exhausted");
    expect(reportLine(report({ exhausted: false, budgetHit: "permissionCalls" }))).toContain(
      "stopped: permissionCalls budget",
    );
    const failed = reportLine(
      report({
        exhausted: false,
        reverified: { denials: 0, lists: 0, found: 0, failed: "PERMISSIONS_UNAVAILABLE" },
      }),
    );
    expect(failed).not.toContain("store exhausted");
    expect(failed).toContain("more may exist (re-verifying cached evidence failed: PERMISSIONS_UNAVAILABLE)");
  });
});
