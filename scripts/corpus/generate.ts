import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { parseManifest } from "../../src/emulator/corpus/index.js";
import { Access } from "./access.js";
import { type Company, loadCompany, syncRootOf } from "./company.js";
import { clearanceYaml } from "./outputs/clearance.js";
import { manifestYaml } from "./outputs/manifest.js";
import { questionsFacts, questionsYaml } from "./outputs/questions.js";
import { formatCounts, readmeFacts } from "./outputs/readme.js";
import { renderDocument } from "./render/index.js";
import { fillTemplate, type TemplateContext } from "./template.js";
import { validateCompany } from "./validate.js";

/** Where the corpus's data files live (scripts/corpus/README.md). */
export const DATA_DIR = join(import.meta.dirname, "data");

const corpusSchema = z
  .object({ project: z.string().min(1), companies: z.array(z.string().min(1)).min(1) })
  .strict();

/** The whole example corpus in memory: every file by its path under examples/corpus. */
export interface GeneratedCorpus {
  files: Map<string, Buffer>;
  /** The folders the generator owns (sync roots, records folders): rewritten whole, checked for stale files. */
  roots: string[];
  companies: Company[];
}

/**
 * Builds the example corpus from the data files: checks every company (sharing against its questions), renders
 * each document to its format, and writes manifest.yaml, README.md, QUESTIONS.md and questions.yaml. Pure: the
 * same data always gives the same bytes.
 */
export async function generateCorpus(dataDir = DATA_DIR): Promise<GeneratedCorpus> {
  const corpus = corpusSchema.parse(parseYaml(readFileSync(join(dataDir, "corpus.yaml"), "utf8")));
  const companies = corpus.companies.map((id) => loadCompany(join(dataDir, id)));
  for (const company of companies) validateCompany(company);
  const files = new Map<string, Buffer>();
  for (const company of companies) {
    for (const d of company.documents) {
      const author = company.people[d.owner]!.name;
      const context = {
        company: company.name,
        shortName: company.shortName,
        spaceKey: company.spaceKey,
        author,
      };
      files.set(d.path, await renderDocument(d, context));
    }
  }
  const facts: TemplateContext = {
    count: formatCounts(companies),
    sameNames: sameNames(companies),
    ...tally(companies),
  };
  for (const c of companies) facts[c.id] = { ...readmeFacts(c), ...questionsFacts(c) };
  const template = (name: string) =>
    fillTemplate(readFileSync(join(dataDir, name), "utf8"), facts, join(dataDir, name));
  const manifest = manifestYaml(companies, corpus.project);
  parseManifest(parseYaml(manifest), "the generated manifest.yaml"); // the emulator's own checks
  files.set("manifest.yaml", Buffer.from(manifest));
  files.set("README.md", Buffer.from(template("README.template.md")));
  files.set("QUESTIONS.md", Buffer.from(template("QUESTIONS.template.md")));
  files.set("questions.yaml", Buffer.from(questionsYaml(companies)));
  if (companies.some((c) => c.recordSyncs.length > 0)) {
    files.set("clearance.yaml", Buffer.from(clearanceYaml(companies)));
  }
  for (const [path, bytes] of companies.flatMap((c) => [...c.records])) files.set(path, bytes);
  const recordFolders = companies.flatMap((c) =>
    c.recordSyncs.map((s) => dirname(s.records)).filter((d) => d !== "."),
  );
  const roots = [...new Set([...companies.flatMap((c) => c.syncs.map((s) => s.root)), ...recordFolders])];
  return { files, roots, companies };
}

/** The paths below a sync root that more than one company has, as a Markdown list of names. */
function sameNames(companies: Company[]): string {
  const byPath = new Map<string, Set<string>>();
  for (const c of companies) {
    for (const d of c.documents) {
      const root = syncRootOf(c, d.path)!;
      const path = d.path.slice(root.length + 1);
      byPath.set(path, (byPath.get(path) ?? new Set()).add(c.id));
    }
  }
  const shared = [...byPath].filter(([, ids]) => ids.size > 1).map(([path]) => `\`${path}\``);
  return shared.sort().join(", ");
}

/** How many questions there are, and how many are asked by someone who may not read the answer. */
function tally(companies: Company[]): { total: number; abstain: number } {
  let abstain = 0;
  for (const c of companies) {
    const access = new Access(c);
    abstain += c.questions.filter((q) => !access.canRead(q.askedBy, q.file)).length;
  }
  return { total: companies.reduce((n, c) => n + c.questions.length, 0), abstain };
}
