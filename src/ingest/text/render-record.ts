import { humanizeKey, renderFields } from "./render-fields.js";

/** The kinds of non-file records Managed Sync delivers (any other string is accepted too). */
export type RecordKind = "contact" | "company" | "deal" | "custom_object" | "ticket" | (string & {});

/** A person as a record's relations name them (an owner, a ticket's requester). */
export interface RelatedPerson {
  email?: string;
  name?: string;
  id?: string;
}

/**
 * What a record refers to by id, resolved so the text says it in words: a deal's or contact's
 * company (its `accountId` is the company record's external id) and the owner behind `ownerId`.
 */
export interface RecordRelations {
  company?: string;
  owner?: RelatedPerson;
}

const kindLabels: Record<string, string> = {
  contact: "Contact",
  contacts: "Contact",
  company: "Company",
  companies: "Company",
  deal: "Deal",
  deals: "Deal",
  ticket: "Ticket",
  tickets: "Ticket",
  custom_object: "Custom object",
  custom_objects: "Custom object",
};

// Fields that name a record, most specific first; the first one present becomes the title.
const titleFields = ["fullName", "name", "dealName", "title", "subject", "summary", "displayName"];

/**
 * A CRM/ticketing record as readable text for embedding: a title line (`Deal: ACME renewal`), then
 * its relations in words (`Company: ACME Corporation`, `Owner: Maya Patel <maya@…>`, a ticket's
 * `Requester:` and `Assignee:`), then one `Field: value` line per non-empty field in the record's
 * order, ids included so a question about an id finds it. `originalRecord` (a ticket's unnormalized
 * copy) is left out: it says everything twice. Custom objects are titled by their `objectType`.
 *
 * @example
 * renderRecord({ id: "d1", name: "ACME renewal", ownerId: "005…" }, "deals", { owner: { email: "maya@northwind.test" } })
 * // "Deal: ACME renewal\nOwner: maya@northwind.test\nId: d1\nName: ACME renewal\nOwner id: 005…"
 */
export function renderRecord(
  record: Record<string, unknown>,
  kind: RecordKind,
  relations: RecordRelations = {},
): string {
  const objectType = typeof record.objectType === "string" ? record.objectType.trim() : "";
  const kindLabel = objectType ? humanizeKey(objectType) : kindLabels[kind] || humanizeKey(kind);
  const title = recordTitle(record);
  const { lines: related, shown } = relationLines(record, relations);
  const rest = Object.fromEntries(
    Object.entries(record).filter(([key]) => key !== "originalRecord" && !shown.has(key)),
  );
  return [title ? `${kindLabel}: ${title}` : kindLabel, ...related, ...renderFields(rest)].join("\n");
}

/** Relation lines, and the fields they already say (so they are not repeated field by field). */
function relationLines(
  record: Record<string, unknown>,
  relations: RecordRelations,
): { lines: string[]; shown: Set<string> } {
  const lines: string[] = [];
  const shown = new Set<string>();
  if (relations.company) lines.push(`Company: ${relations.company}`);
  if (relations.owner) lines.push(`Owner: ${personText(relations.owner)}`);
  const requester = asPerson(record.createdBy);
  if (requester) {
    lines.push(`Requester: ${personText(requester)}`);
    shown.add("createdBy");
  }
  if (Array.isArray(record.assignees)) {
    const assignees = record.assignees.map(asPerson).filter((p) => p !== undefined);
    if (assignees.length > 0) {
      lines.push(
        `${assignees.length > 1 ? "Assignees" : "Assignee"}: ${assignees.map(personText).join(", ")}`,
      );
    }
    shown.add("assignees");
  }
  const status = record.status;
  if (status && typeof status === "object" && !Array.isArray(status)) {
    const { name, type } = status as { name?: unknown; type?: unknown };
    if (typeof name === "string" && name.trim()) {
      lines.push(
        `Status: ${name.trim()}${typeof type === "string" && type.trim() ? ` (${type.trim()})` : ""}`,
      );
      shown.add("status");
    }
  }
  const project = record.project;
  if (project && typeof project === "object" && typeof (project as { name?: unknown }).name === "string") {
    lines.push(`Project: ${(project as { name: string }).name}`);
    shown.add("project");
  }
  return { lines, shown };
}

function asPerson(value: unknown): RelatedPerson | undefined {
  if (!value || typeof value !== "object" || Array.isArray(value)) return undefined;
  const { email, name, id } = value as Record<string, unknown>;
  const person: RelatedPerson = {};
  if (typeof email === "string" && email.trim()) person.email = email.trim();
  if (typeof name === "string" && name.trim()) person.name = name.trim();
  if (typeof id === "string" && id.trim()) person.id = id.trim();
  return person.email || person.name || person.id ? person : undefined;
}

/** `Maya Patel <maya@northwind.test>`, or whichever of name, email and id there is. */
function personText(person: RelatedPerson): string {
  if (person.name && person.email) return `${person.name} <${person.email}>`;
  return person.name ?? person.email ?? person.id ?? "";
}

/**
 * What a CRM/ticketing record is called: its first name-like field (`fullName`, `name`, `title`,
 * `subject`…), a person's first and last name, or a custom object's `Name`; "" when none.
 *
 * @example recordTitle({ id: "d1", name: "ACME renewal 2026" }) // "ACME renewal 2026"
 */
export function recordTitle(record: Record<string, unknown>): string {
  for (const field of titleFields) {
    const value = record[field];
    if (typeof value === "string" && value.trim()) return value.trim();
  }
  const person = [record.firstName, record.lastName].filter(
    (part) => typeof part === "string" && part.trim(),
  );
  if (person.length > 0) return person.join(" ");
  // Custom objects keep everything, their name included, under customFields (e.g. Salesforce "Name").
  const custom = record.customFields;
  if (custom && typeof custom === "object") {
    const name = Object.entries(custom).find(([key]) => key.toLowerCase() === "name")?.[1];
    if (typeof name === "string" && name.trim()) return name.trim();
  }
  return "";
}
