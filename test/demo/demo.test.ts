import { beforeAll, describe, expect, it } from "vitest";
import { type DemoResult, renderDemo, runDemo } from "../../src/demo/index.js";

describe("clearance demo on the example corpus", () => {
  let result: DemoResult;

  beforeAll(async () => {
    result = await runDemo({ corpusDir: "examples/corpus", k: 3 });
  });

  const rounds = () => result.companies.flatMap((c) => c.rounds);

  it("ingests every company's text-bearing files and skips folders and images", () => {
    expect(result.ingest.ok).toBe(true);
    expect(result.ingest.tenants.map((t) => t.tenant)).toEqual(["northwind", "kestrel"]);
    expect(result.ingest.counts.failed).toBe(0);
    expect(result.ingest.counts.chunksWritten).toBeGreaterThan(100);
  });

  it("shows both companies, each with its own people and questions", () => {
    expect(result.companies.map((c) => [c.tenant, c.name, c.askers.length, c.rounds.length])).toEqual([
      ["northwind", "Northwind Labs", 3, 6],
      ["kestrel", "Kestrel Health", 3, 4],
    ]);
    expect(result.companies[1]!.askers.every((a) => a.email.endsWith("@kestrel.test"))).toBe(true);
  });

  it("answers from a Salesforce deal for its owner only, and from a ServiceNow ticket for every member", () => {
    const northwind = result.companies[0]!;
    const round = (id: string) => northwind.rounds.find((r) => r.question.id === id)!;
    const found = (id: string) =>
      Object.fromEntries(round(id).answers.map((a) => [a.asker.email.split("@")[0], a.foundAnswer]));
    // the deal's owner is Chloe (clearance.yaml: deals are `owner`)
    expect(found("globex-payment-terms")).toEqual({ sam: false, chloe: true, hana: false });
    // tickets are `tenant`: every verified member of Northwind
    expect(found("acme-outage-credit")).toEqual({ sam: true, chloe: true, hana: true });
    const chloe = round("globex-payment-terms").answers.find((a) => a.asker.email.startsWith("chloe"))!;
    expect(chloe.report.policyAllowed).toContainEqual(expect.objectContaining({ policy: "owner" }));
    const sam = round("acme-outage-credit").answers[0]!;
    expect(sam.report.policyAllowed).toContainEqual(expect.objectContaining({ policy: "tenant" }));
  });

  it("a person of both companies asks one question in each and gets each company's own file", () => {
    const guest = result.crossCompany.find((c) => c.asker.email === "guest@partner.test")!;
    expect(guest.answers.map((a) => a.tenant)).toEqual(["northwind", "kestrel"]);
    for (const answer of guest.answers) expect(answer.report.tenant).toBe(answer.tenant);
    const [northwind, kestrel] = guest.answers;
    expect(northwind!.file).toBe(kestrel!.file);
    expect(northwind!.excerpt).not.toBe(kestrel!.excerpt);
  });

  it("never shows a person the answer to a question they may not read", () => {
    const leaks = rounds().flatMap((round) =>
      round.answers
        .filter((a) => a.foundAnswer && !a.mayReadAnswer)
        .map((a) => `${round.question.id}: ${a.asker.email}`),
    );
    expect(leaks).toEqual([]);
  });

  it("finds the answer for everyone who may read it, and fills k when k exist", () => {
    for (const round of rounds()) {
      for (const answer of round.answers) {
        if (answer.mayReadAnswer)
          expect(answer.foundAnswer, `${round.question.id} for ${answer.asker.email}`).toBe(true);
        expect(answer.report.returned).toBe(3);
      }
    }
  });

  it("shows different people different sources for the same question", () => {
    const salary = rounds().find((r) => r.question.id === "engineer-salary-bands")!;
    const [sam, , hana] = salary.answers;
    expect(hana!.sources.map((s) => s.name)).toContain("Compensation bands 2026.pdf");
    expect(sam!.sources.map((s) => s.name)).not.toContain("Compensation bands 2026.pdf");
  });

  it("prints one column per person with the strategy and permission calls", () => {
    const text = renderDemo(result, 120);
    expect(text).toContain("Sam Rivera");
    expect(text).toContain("Hana Kim");
    expect(text).toContain("Northwind Labs (tenant northwind)");
    expect(text).toContain("Kestrel Health (tenant kestrel)");
    expect(text).toMatch(/One person, 2 companies: Pat Guest asks/);
    expect(text).toMatch(/post · 3\/3 · \d+ permission call/);
    expect(text).not.toContain("LEAK");
  });
});
