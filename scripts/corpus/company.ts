import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { financeFigures, financeSchema } from "./finance.js";
import {
  type CompanyFile,
  companySchema,
  frontMatterSchema,
  type Grant,
  type QuestionsFile,
  questionsSchema,
} from "./schema.js";
import { fillTemplate } from "./template.js";

export type Sharing = { owner: string; grants?: Grant[] };

/** One file of the corpus: where it goes, its sharing, and its text (templates already filled). */
export interface Doc extends Sharing {
  /** "<sync root>/<path>" */
  path: string;
  /** "YYYY-MM-DD" (17:00 UTC) or a full ISO timestamp */
  updated: string;
  /** Markdown for .md/.pdf/.docx/.html, the text itself for .txt/.csv; empty for images */
  body: string;
  image?: "logo" | "diagram";
  externalId?: string;
}

type Listed = (keyof CompanyFile["people"])[];
export interface Question extends Omit<QuestionsFile["questions"][number], "see" | "notSee"> {
  see: Listed;
  notSee: Listed;
}
export interface AccessCase extends Omit<QuestionsFile["accessCases"][number], "allowed" | "denied"> {
  allowed: Listed;
  denied: Listed;
}

type SyncFile = CompanyFile["syncs"][number];
/** A files sync: its documents are under `documents/<root>/`. */
export type FilesSync = Extract<SyncFile, { root: string }>;
/** A CRM or ticketing sync: its records file is `records/<records>`, copied as is. */
export type RecordsSync = Extract<SyncFile, { records: string }>;

/** A company as the generator sees it: company.yaml, its documents, questions and access cases. */
export interface Company extends Omit<CompanyFile, "folders" | "syncs"> {
  syncs: FilesSync[];
  recordSyncs: RecordsSync[];
  /** The bytes of each records file, by its path under the corpus folder. */
  records: Map<string, Buffer>;
  /** Person keys in the order company.yaml lists them. */
  keys: string[];
  folders: Record<string, Sharing>;
  documents: Doc[];
  demoPeople: string[];
  questions: Question[];
  accessCases: AccessCase[];
}

/** The extensions a document may have; its template is `<name>.md` (or just `<name>` for Markdown). */
const EXTENSIONS = ["md", "pdf", "docx", "html", "txt", "csv", "png"] as const;

/** Reads scripts/corpus/data/<company>/ (format: scripts/corpus/README.md). */
export function loadCompany(dir: string): Company {
  const file = readYaml(join(dir, "company.yaml"), companySchema);
  const questions = readYaml(join(dir, "questions.yaml"), questionsSchema);
  const financeFile = join(dir, "finance.yaml");
  const figures = existsSync(financeFile) ? financeFigures(readYaml(financeFile, financeSchema)) : {};
  const keys = Object.keys(file.people);
  const expand = (list: string[] | "everyone else", other: string[] | "everyone else"): string[] => {
    if (list !== "everyone else") return list;
    if (other === "everyone else") throw new Error(`${dir}/questions.yaml: both lists say "everyone else"`);
    return keys.filter((k) => !other.includes(k));
  };
  const documentsDir = join(dir, "documents");
  const documents = listFiles(documentsDir).map((path): Doc => {
    const where = join(documentsDir, path);
    const { data, body } = splitFrontMatter(readFileSync(where, "utf8"), where);
    const meta = parse(frontMatterSchema, data, where);
    return { ...meta, path: outputPath(path), body: fillTemplate(body, figures, where) };
  });
  const recordSyncs = file.syncs.filter((s): s is RecordsSync => "records" in s);
  return {
    ...file,
    syncs: file.syncs.filter((s): s is FilesSync => "root" in s),
    recordSyncs,
    records: new Map(recordSyncs.map((s) => [s.records, readFileSync(join(dir, "records", s.records))])),
    keys,
    documents: documents.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    demoPeople: questions.demoPeople,
    questions: questions.questions.map((q) => ({
      ...q,
      see: expand(q.see, q.notSee),
      notSee: expand(q.notSee, q.see),
    })),
    accessCases: questions.accessCases.map((c) => ({
      ...c,
      allowed: expand(c.allowed, c.denied),
      denied: expand(c.denied, c.allowed),
    })),
  };
}

/** The files sync root a corpus path is under ("drive/HR/x.md" → "drive"), or undefined. */
export function syncRootOf(company: Company, path: string): string | undefined {
  return company.syncs.find((s) => path.startsWith(`${s.root}/`))?.root;
}

/** "Employee handbook.pdf.md" → "Employee handbook.pdf"; "Notes.md" stays "Notes.md". */
function outputPath(template: string): string {
  const stripped = template.replace(/\.md$/, "");
  const ext = stripped.slice(stripped.lastIndexOf(".") + 1);
  return (EXTENSIONS as readonly string[]).includes(ext) && stripped.includes(".") ? stripped : template;
}

function splitFrontMatter(text: string, where: string): { data: unknown; body: string } {
  const end = text.indexOf("\n---\n");
  if (!text.startsWith("---\n") || end < 0)
    throw new Error(`${where}: must start with a "---" front matter block (owner, updated, grants)`);
  return { data: parseYaml(text.slice(4, end)), body: text.slice(end + 5) };
}

function readYaml<T extends z.ZodType>(file: string, schema: T): z.output<T> {
  return parse(schema, parseYaml(readFileSync(file, "utf8")), file);
}

function parse<T extends z.ZodType>(schema: T, data: unknown, where: string): z.output<T> {
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(top)"}: ${i.message}`);
    throw new Error(`${where}:\n  ${issues.join("\n  ")}`);
  }
  return parsed.data;
}

/** Every file below `dir`, as "/"-separated paths relative to it. */
function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.name.startsWith("."))
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join("/"));
}
