import { beforeAll, describe, expect, it } from "vitest";
import { type DemoResult, renderDemo, runDemo } from "../../src/demo/index.js";

describe("clearance demo on the example corpus", () => {
  let result: DemoResult;

  beforeAll(async () => {
    result = await runDemo({ corpusDir: "examples/corpus", k: 3 });
  });

  it("ingests every text-bearing file and skips folders and images", () => {
    expect(result.ingest.ok).toBe(true);
    expect(result.ingest.counts.failed).toBe(0);
    expect(result.ingest.counts.chunksWritten).toBeGreaterThan(100);
  });

  it("never shows a person the answer to a question they may not read", () => {
    const leaks = result.rounds.flatMap((round) =>
      round.answers
        .filter((a) => a.foundAnswer && !a.mayReadAnswer)
        .map((a) => `${round.question.id}: ${a.asker.email}`),
    );
    expect(leaks).toEqual([]);
  });

  it("finds the answer for everyone who may read it, and fills k when k exist", () => {
    for (const round of result.rounds) {
      for (const answer of round.answers) {
        if (answer.mayReadAnswer)
          expect(answer.foundAnswer, `${round.question.id} for ${answer.asker.email}`).toBe(true);
        expect(answer.report.returned).toBe(3);
      }
    }
  });

  it("shows different people different sources for the same question", () => {
    const salary = result.rounds.find((r) => r.question.id === "engineer-salary-bands")!;
    const [sam, , hana] = salary.answers;
    expect(hana!.sources.map((s) => s.name)).toContain("Compensation bands 2026.pdf");
    expect(sam!.sources.map((s) => s.name)).not.toContain("Compensation bands 2026.pdf");
  });

  it("prints one column per person with the strategy and permission calls", () => {
    const text = renderDemo(result, 120);
    expect(text).toContain("Sam Rivera");
    expect(text).toContain("Hana Kim");
    expect(text).toMatch(/post · 3\/3 · \d+ permission call/);
    expect(text).not.toContain("LEAK");
  });
});
