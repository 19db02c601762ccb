import type { CorpusSpec } from "../../../src/emulator/index.js";

/** A company of the test project: its tenant id, the name its files mention, and its people. */
export interface Company {
  tenant: string;
  name: string;
  /** Everyone in `sharing` reads the whole drive; `owner` owns it. */
  owner: string;
  readers: string[];
}

/** Someone who works for every company (a contractor): the same email in each tenant. */
export const CONTRACTOR = "pat@contractor.test";

export const COMPANIES: Company[] = [
  {
    tenant: "northwind",
    name: "Northwind",
    owner: "maya@northwind.test",
    readers: ["ana@northwind.test", CONTRACTOR],
  },
  {
    tenant: "contoso",
    name: "Contoso",
    owner: "olga@contoso.test",
    readers: ["raj@contoso.test", CONTRACTOR],
  },
  { tenant: "fabrikam", name: "Fabrikam", owner: "fei@fabrikam.test", readers: [CONTRACTOR] },
];

/** The same file names in every company's drive; only the company's name in the text differs. */
export const FILES = {
  "Plans/Roadmap.md": (name: string) => `# ${name} roadmap\n\n${name} ships the freight tracker in Q3.\n`,
  "HR/Salary bands.md": (name: string) =>
    `# ${name} salary bands\n\n${name} engineers earn between 100 and 150.\n`,
  "Sales/Pricing.md": (name: string) => `# ${name} pricing\n\n${name} gives at most 15% discount.\n`,
} as const;

/**
 * One Paragon project with several Connected Users (one per company), each with a drive sync whose
 * files have the same paths, names and record ids as the others' (pinned external ids: think of one
 * shared file seen through each company's connection). Each file is shared with the company's
 * readers; the contractor is a reader in every company.
 */
export function companiesCorpus(companies: readonly Company[] = COMPANIES): CorpusSpec {
  const files: Record<string, string> = {};
  const sharing: Record<
    string,
    { owner: string; externalId?: string; grants: { user: string; role: "reader" }[] }
  > = {};
  for (const company of companies) {
    sharing[`${company.tenant}/`] = { owner: company.owner, grants: [] };
    for (const [path, text] of Object.entries(FILES)) {
      files[`${company.tenant}/${path}`] = text(company.name);
      sharing[`${company.tenant}/${path}`] = {
        owner: company.owner,
        externalId: `shared-${path.replace(/\W+/g, "-")}`,
        grants: company.readers.map((user) => ({ user, role: "reader" })),
      };
    }
  }
  return {
    manifest: {
      domain: "test",
      people: [...new Set(companies.flatMap((c) => [c.owner, ...c.readers]))].map((email) => ({ email })),
      connectedUsers: companies.map((c) => ({
        id: c.tenant,
        syncs: [{ integration: "googledrive", root: c.tenant, owner: c.owner }],
      })),
      sharing,
    },
    files,
  };
}
