// The example corpus generator (scripts/corpus): the committed examples/corpus is exactly what the data files
// give, and the checks that guard the data (sharing against the questions, templates) refuse bad data.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { type Company, loadCompany } from "../../scripts/corpus/company.js";
import { compareCorpus } from "../../scripts/corpus/compare.js";
import { DATA_DIR, type GeneratedCorpus, generateCorpus } from "../../scripts/corpus/generate.js";
import { fillTemplate } from "../../scripts/corpus/template.js";
import { validateCompany } from "../../scripts/corpus/validate.js";

const CORPUS_DIR = join(import.meta.dirname, "../../examples/corpus");

describe("the example corpus generator", () => {
  let corpus: GeneratedCorpus;
  beforeAll(async () => {
    corpus = await generateCorpus();
  });

  it("generated examples/corpus: the committed files are byte for byte what the data gives", () => {
    expect(compareCorpus(corpus, CORPUS_DIR), "run npx tsx scripts/make-corpus.ts").toEqual([]);
    expect(corpus.files.size).toBeGreaterThan(60);
  });

  it("notices a stale or changed file in the corpus folder", () => {
    const changed: GeneratedCorpus = { ...corpus, files: new Map(corpus.files) };
    changed.files.set("manifest.yaml", Buffer.from("changed"));
    changed.files.delete("drive/Company/Org chart.csv");
    expect(compareCorpus(changed, CORPUS_DIR)).toEqual([
      "manifest.yaml: differs",
      "drive/Company/Org chart.csv: not generated (stale)",
    ]);
  });
});

describe("the generator's checks", () => {
  const northwind = (): Company => loadCompany(join(DATA_DIR, "northwind"));

  it("refuses a question whose 'see' or 'notSee' disagrees with the sharing", () => {
    const company = northwind();
    const q = company.questions.find((x) => x.id === "engineer-salary-bands")!;
    q.see = [...q.see, "sam"];
    q.notSee = q.notSee.filter((k) => k !== "sam");
    expect(() => validateCompany(company)).toThrowError(
      /engineer-salary-bands: sam cannot read drive\/HR\/Compensation\/Compensation bands 2026\.pdf/,
    );
  });

  it("refuses a marker found in another file too, and a grant to someone who is not in company.yaml", () => {
    const company = northwind();
    company.questions.find((x) => x.id === "parental-leave")!.marker = "Northwind";
    expect(() => validateCompany(company)).toThrowError(
      /parental-leave: "Northwind" should be in .* only, is in: /,
    );
    const other = northwind();
    other.documents[0]!.grants = [{ user: "mallory", role: "reader" }];
    expect(() => validateCompany(other)).toThrowError(/no person "mallory" in company\.yaml/);
  });

  it("refuses a fact that someone who may not read the answer can read in another file", () => {
    const company = northwind();
    company.questions.find((x) => x.id === "series-b-timing")!.facts = ["September 2026"];
    expect(() => validateCompany(company)).toThrowError(
      /series-b-timing: the fact "September 2026" is also in drive\/HR\/Hiring\/Hiring plan 2026\.docx, which hana, leo, jordan can read/,
    );
  });

  it("fills template slots with formatted figures and names the template on an unknown one", () => {
    const figures = { q3: { revenue: 912400, growth: 0.0766, customers: 61 } };
    expect(
      fillTemplate("{{ usd q3.revenue }}, {{ change q3.growth }}, {{ q3.customers }}", figures, "t"),
    ).toBe("$912,400, up 7.7%, 61");
    expect(fillTemplate("{{ pct q3.growth 0 }} {{ millions q3.revenue 2 }}", figures, "t")).toBe("8% 0.91");
    expect(() => fillTemplate("{{ q4.revenue }}", figures, "Q4.pdf.md")).toThrowError(
      "Q4.pdf.md: {{ q4.revenue }} is not defined",
    );
    expect(() => fillTemplate("{{ euro q3.revenue }}", figures, "t")).toThrowError(/no formatter "euro"/);
  });
});

describe("a company with a CRM sync", () => {
  it("copies its records file into the corpus and names it in the manifest", async () => {
    const dir = await mkdtemp(join(tmpdir(), "clearance-corpus-data-"));
    const put = async (path: string, text: string) => {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    };
    try {
      await put("corpus.yaml", "project: p-1\ncompanies: [acme]\n");
      await put("README.template.md", "# {{ acme.domain }}\n");
      await put("QUESTIONS.template.md", "# Questions\n");
      await put(
        "acme/company.yaml",
        [
          "id: acme",
          "name: Acme",
          "shortName: Acme",
          "spaceKey: AC",
          "domain: acme.test",
          "people: { ann: { email: ann@acme.test, name: Ann Lee, title: CEO } }",
          "admin: { email: admin@acme.test, name: Admin, title: Admin }",
          "groups: []",
          "syncs:",
          "  - { integration: googledrive, root: acme/drive }",
          "  - { integration: salesforce, pipeline: deals, records: acme/salesforce/deals.yaml }",
          'folders: { "acme/drive/Docs/": { owner: ann } }',
        ].join("\n"),
      );
      await put("acme/questions.yaml", "demoPeople: [ann]\nquestions: []\naccessCases: []\n");
      await put(
        "acme/documents/acme/drive/Docs/Plan.md",
        "---\nowner: ann\nupdated: 2026-01-02\n---\n# Plan\n",
      );
      const deals = "- name: Renewal\n  amount: 1000\n";
      await put("acme/records/acme/salesforce/deals.yaml", deals);

      const corpus = await generateCorpus(dir);
      expect(corpus.files.get("acme/salesforce/deals.yaml")?.toString()).toBe(deals);
      expect(corpus.roots).toEqual(["acme/drive", "acme/salesforce"]);
      const manifest = parse(corpus.files.get("manifest.yaml")!.toString());
      expect(manifest.connectedUsers[0].syncs[1]).toEqual({
        integration: "salesforce",
        pipeline: "deals",
        configurationName: "default",
        records: "acme/salesforce/deals.yaml",
        owner: "admin@acme.test",
      });
      expect(corpus.files.get("README.md")?.toString()).toBe("# acme.test\n");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("checks a question answered by a record against its sync's policy, and writes clearance.yaml", async () => {
    const corpus = await generateCorpus();
    // The real data: Northwind's deals are `owner`, its tickets `tenant` (scripts/corpus/data/northwind/company.yaml).
    const northwind = loadCompany(join(DATA_DIR, "northwind"));
    validateCompany(northwind);
    const deal = northwind.questions.find((q) => q.id === "globex-payment-terms")!;
    expect(deal.file).toMatch(/^northwind\/salesforce\/deals\.yaml#/);
    const asked = (q: typeof deal) =>
      parse(corpus.files.get("questions.yaml")!.toString()).questions.find(
        (x: { id: string }) => x.id === q.id,
      );
    expect(asked(deal)).toMatchObject({ source: "Globex new business", canSee: ["chloe@northwind.test"] });
    const ticket = northwind.questions.find((q) => q.id === "acme-outage-credit")!;
    // tickets are `tenant`: every verified member of the company, the contractor included
    expect(asked(ticket).cannotSee).toEqual([]);
    expect(asked(ticket).canSee).toContain("guest@partner.test");
    // a person who may not read the record is refused, as for files
    const wrong = { ...northwind, questions: [{ ...deal, see: ["chloe", "sam"], notSee: [] }] };
    expect(() => validateCompany(wrong)).toThrow(
      /globex-payment-terms: sam cannot read northwind\/salesforce/,
    );
    // the marker must be in that record only, not in a document or another record
    const shared = { ...northwind, questions: [{ ...deal, marker: "Globex" }] };
    expect(() => validateCompany(shared)).toThrow(
      /"Globex" should be in northwind\/salesforce\/deals\.yaml#\S+ only/,
    );
    const records = parse(corpus.files.get("clearance.yaml")!.toString()).records;
    expect(records.policies).toContainEqual({
      integration: "salesforce",
      pipeline: "deals",
      policy: "owner",
    });
    expect(records.members.tenants).toMatchObject({
      northwind: ["northwind.test"],
      kestrel: ["kestrel.test"],
    });
    expect(Object.values(records.owners)).toContainEqual({
      email: "chloe@northwind.test",
      name: "Chloe Martin",
    });
  });
});
