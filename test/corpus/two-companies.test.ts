// The example corpus's two companies: two Connected Users of one Paragon project, served by one emulator from one
// folder. The facts tenant isolation is tested on elsewhere hold here: the same paths (and, for three files, the
// same record ids) in both tenants with different figures, the same person in both, and each tenant's questions
// answered by its own sharing only.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { type Emulator, manifestCompanies, parseManifest, startEmulator } from "../../src/emulator/index.js";
import { extractText } from "../../src/ingest/text/index.js";
import { ManagedSyncClient } from "../../src/managed-sync/index.js";

const CORPUS = join(import.meta.dirname, "../../examples/corpus");
const TENANTS = ["northwind", "kestrel"] as const;
type Tenant = (typeof TENANTS)[number];
// Where each tenant's answers live: its sync roots, and (northwind) its CRM and ticketing records files.
const ROOTS: Record<Tenant, string[]> = {
  northwind: ["drive", "sharepoint", "northwind/salesforce", "northwind/servicenow"],
  kestrel: ["kestrel/drive"],
};

interface Question {
  id: string;
  tenant: Tenant;
  question: string;
  facts: string[];
  file: string;
  askedBy: string;
  canSee: string[];
  cannotSee: string[];
}
interface QuestionsFile {
  demoPeople: string[];
  tenants: { id: string; demoPeople: string[] }[];
  questions: Question[];
}

interface TenantView {
  client: ManagedSyncClient;
  syncIds: string[];
  /** record id and sync of each file, by its path below the sync root */
  files: Map<string, { id: string; syncId: string; mimeType: string }>;
}

describe("the example corpus: two companies in one project", () => {
  let emu: Emulator;
  let questions: QuestionsFile;
  const views = {} as Record<Tenant, TenantView>;

  beforeAll(async () => {
    emu = await startEmulator({ corpusDir: CORPUS });
    questions = parse(await readFile(join(CORPUS, "questions.yaml"), "utf8")) as QuestionsFile;
    for (const tenant of TENANTS) {
      const client = new ManagedSyncClient({ baseUrl: emu.url, auth: { token: await emu.tokenFor(tenant) } });
      // Files syncs: the records of the CRM and ticketing syncs have no paths (test/emulator/crm-records.test.ts).
      const syncIds = (await client.syncs.list()).filter((s) => s.pipeline === "files").map((s) => s.id);
      const files = new Map<string, { id: string; syncId: string; mimeType: string }>();
      for (const syncId of syncIds) {
        for await (const page of client.records.pages(syncId)) {
          for (const r of page.records as {
            id: string;
            mimeType: string;
            customFields: { fullPath: string };
          }[]) {
            files.set(r.customFields.fullPath.slice(1), { id: r.id, syncId, mimeType: r.mimeType });
          }
        }
      }
      views[tenant] = { client, syncIds, files };
    }
  });
  afterAll(() => emu?.close());

  /** The text the emulator serves for a file of a tenant. */
  async function textOf(tenant: Tenant, path: string): Promise<string> {
    const file = views[tenant].files.get(path);
    if (!file) throw new Error(`${tenant} has no ${path}`);
    const { bytes } = await views[tenant].client.records.contentBytes(file.syncId, file.id, {
      maxBytes: 5e6,
    });
    return (
      await extractText({ bytes, mimeType: file.mimeType, name: path }, { maxBytes: 5e6, maxChars: 1e6 })
    ).text;
  }

  it("has one project and a company per Connected User, each with its own people, groups and domain", async () => {
    const manifest = parseManifest(parse(await readFile(join(CORPUS, "manifest.yaml"), "utf8")));
    const companies = manifestCompanies(manifest);
    expect(companies.map((c) => [c.tenant, c.domain])).toEqual([
      ["northwind", "northwind.test"],
      ["kestrel", "kestrel.test"],
    ]);
    expect(emu.projectId).toBe(manifest.project?.id);
    const emails = (i: number) => new Set(companies[i]!.people.map((p) => p.email));
    // The contractor works for both; nobody else does.
    expect([...emails(0)].filter((e) => emails(1).has(e))).toEqual(["guest@partner.test"]);
    const groups = companies.map((c) => c.groups.map((g) => g.id));
    expect(groups[0]!.filter((id) => groups[1]!.includes(id))).toEqual([]);
  });

  it("serves each tenant only its own syncs", async () => {
    expect(views.northwind.syncIds).toHaveLength(2);
    expect(views.kestrel.syncIds).toHaveLength(1);
    expect(views.kestrel.syncIds.filter((id) => views.northwind.syncIds.includes(id))).toEqual([]);
    const [northwindDrive] = views.northwind.syncIds;
    await expect(views.kestrel.client.records.pages(northwindDrive!).next()).rejects.toMatchObject({
      status: 404,
    });
  });

  it("has the same paths in both drives with different figures, three of them under the same record id", async () => {
    const same = [...views.kestrel.files.keys()].filter(
      (p) => views.northwind.files.has(p) && /\.\w+$/.test(p),
    );
    expect(same.length).toBeGreaterThanOrEqual(15);
    const figures: [string, string, string][] = [
      ["HR/Policies/Parental leave policy.docx", "16 weeks", "12 weeks"],
      ["Finance/Reports/Q3 2025 financial report.pdf", "$912,400", "$1,298,200"],
      [
        "Engineering/Security/Pentest 2026 scope.md",
        "api.staging.beacon.northwind.test",
        "api.staging.stride.kestrel.test",
      ],
    ];
    for (const [path, northwindFact, kestrelFact] of figures) {
      const [northwind, kestrel] = [await textOf("northwind", path), await textOf("kestrel", path)];
      expect(northwind, path).toContain(northwindFact);
      expect(northwind, path).not.toContain(kestrelFact);
      expect(kestrel, path).toContain(kestrelFact);
      expect(kestrel, path).not.toContain(northwindFact);
      // Record ids are unique only within a sync: these two records share one.
      expect(views.kestrel.files.get(path)!.id).toBe(views.northwind.files.get(path)!.id);
    }
  });

  it("checks every Kestrel question's readers through Kestrel's Permissions API, as questions.yaml states", async () => {
    const [syncId] = views.kestrel.syncIds;
    const checks = questions.questions
      .filter((q) => q.tenant === "kestrel")
      .flatMap((q) => {
        const object = views.kestrel.files.get(q.file.slice("kestrel/drive/".length))!.id;
        return [
          ...q.canSee.map((user) => ({ object, user, allowed: true, q })),
          ...q.cannotSee.map((user) => ({ object, user, allowed: false, q })),
        ];
      });
    expect(checks.length).toBeGreaterThan(100);
    const results = await views.kestrel.client.permissions.batchCheck(
      syncId!,
      checks.map((c) => ({ object: c.object, user: c.user, role: "can_read" })),
      { batchSize: 50 },
    );
    const wrong = results
      .map((r, i) => ({ r, c: checks[i]! }))
      .filter(({ r, c }) => r.error !== undefined || r.allowed !== c.allowed)
      .map(({ c }) => `${c.q.id}: ${c.user} ${c.allowed ? "should" : "should not"} read ${c.q.file}`);
    expect(wrong).toEqual([]);
  });

  it("lets the shared contractor read each tenant's own pentest scope, and Northwind's people nothing of Kestrel's", async () => {
    const scope = "Engineering/Security/Pentest 2026 scope.md";
    for (const tenant of TENANTS) {
      const file = views[tenant].files.get(scope)!;
      const check = (user: string) =>
        views[tenant].client.permissions.check(file.syncId, { object: file.id, user, role: "can_read" });
      expect(await check("guest@partner.test"), tenant).toBe(true);
    }
    const kestrelPolicy = views.kestrel.files.get("HR/Policies/Parental leave policy.docx")!;
    const listed = await views.kestrel.client.permissions.listObjects(kestrelPolicy.syncId, {
      user: "maya@northwind.test",
      role: "can_read",
      objectType: "file",
    });
    // Only the public press kit: a Northwind person is outside kestrel.test and in none of its groups.
    expect(listed.objects.map((id) => [...views.kestrel.files].find(([, f]) => f.id === id)?.[0])).toEqual([
      "Company/Press kit/Kestrel boilerplate.md",
    ]);
  });

  it("questions.yaml: at least 30 questions across both tenants, at least 10 asked by someone who may not read the answer", () => {
    expect(questions.tenants.map((t) => t.id)).toEqual([...TENANTS]);
    expect(questions.demoPeople).toEqual(questions.tenants[0]!.demoPeople);
    const all = questions.questions;
    expect(all.length).toBeGreaterThanOrEqual(30);
    expect(new Set(all.map((q) => q.id)).size).toBe(all.length);
    for (const tenant of TENANTS)
      expect(all.filter((q) => q.tenant === tenant).length).toBeGreaterThanOrEqual(12);
    for (const q of all) {
      expect(
        ROOTS[q.tenant].some((root) => q.file.startsWith(`${root}/`)),
        q.id,
      ).toBe(true);
      expect([...q.canSee, ...q.cannotSee], q.id).toContain(q.askedBy);
      expect(q.facts.length, q.id).toBeGreaterThan(0);
    }
    const unanswerable = all.filter((q) => q.cannotSee.includes(q.askedBy));
    expect(unanswerable.length).toBeGreaterThanOrEqual(10);
    expect(new Set(unanswerable.map((q) => q.tenant))).toEqual(new Set(TENANTS));
    // The same words asked in both tenants have different answers.
    const asked = (tenant: Tenant, text: string) =>
      all.find((q) => q.tenant === tenant && q.question === text)!;
    expect(asked("northwind", "What is our parental leave policy?").facts).toEqual(["16 weeks"]);
    expect(asked("kestrel", "What is our parental leave policy?").facts).toEqual(["12 weeks"]);
  });
});
