import { parse as parseYaml } from "yaml";
import { recordTitle } from "../../src/ingest/text/index.js";
import type { Company, RecordsSync } from "./company.js";

/** One record of a CRM or ticketing sync, as the questions and their checks see it. */
export interface CorpusRecord {
  /** `<records path>#<externalId>`: how questions name it. */
  ref: string;
  sync: RecordsSync;
  externalId: string;
  /** What a citation shows: the record's title (Clearance names record chunks the same way). */
  title: string;
  /** Every string of the record and its comments: where a question's marker and facts are looked for. */
  text: string;
  /** The emails its owner field names (`ownerId`; a ticket's `assignees`). */
  owners: string[];
}

const OWNED = new Set(["contacts", "companies", "deals"]);

/** Splits `<records path>#<externalId>`; undefined for a document path. */
export function recordRef(path: string): { file: string; externalId: string } | undefined {
  const at = path.indexOf("#");
  return at < 0 ? undefined : { file: path.slice(0, at), externalId: path.slice(at + 1) };
}

/** Every record of a company's record syncs, by `ref`. Records files are in the emulator's form (docs/corpus-manifest.md). */
export function companyRecords(company: Company): Map<string, CorpusRecord> {
  const records = new Map<string, CorpusRecord>();
  for (const sync of company.recordSyncs) {
    const list = parseYaml(company.records.get(sync.records)!.toString("utf8")) as Record<string, unknown>[];
    if (!Array.isArray(list)) throw new Error(`${company.id}: records/${sync.records} is not a list`);
    for (const record of list) {
      // Only records with a pinned externalId can be named by a question (the others get derived ids).
      const externalId = record.externalId;
      if (typeof externalId !== "string") continue;
      const ref = `${sync.records}#${externalId}`;
      records.set(ref, {
        ref,
        sync,
        externalId,
        title: recordTitle(record),
        text: strings(record).join("\n"),
        owners: ownersOf(sync.pipeline, record),
      });
    }
  }
  return records;
}

/**
 * Who may read a record, by person key, under its sync's policy as the demo's Clearance applies it
 * (`clearance.yaml`): `tenant` allows every person of the company (the demo's identities are
 * verified members of their company, the contractor included), `owner` the people its owner field
 * names, `deny` nobody.
 */
export function recordReaders(company: Company, record: CorpusRecord): string[] {
  const policy = record.sync.policy ?? "deny";
  return company.keys.filter((key) => {
    if (policy === "tenant") return true;
    if (policy === "owner") return record.owners.includes(company.people[key]!.email);
    return false;
  });
}

function ownersOf(pipeline: string, record: Record<string, unknown>): string[] {
  if (OWNED.has(pipeline)) return typeof record.ownerId === "string" ? [record.ownerId] : [];
  if (pipeline === "tickets" && Array.isArray(record.assignees)) {
    return record.assignees.flatMap((a) => (typeof a?.email === "string" ? [a.email] : []));
  }
  return [];
}

function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === "object") return Object.values(value).flatMap(strings);
  return [];
}
