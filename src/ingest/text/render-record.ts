import { humanizeKey, renderFields } from "./render-fields.js";

/** The kinds of non-file records Managed Sync delivers (any other string is accepted too). */
export type RecordKind = "contact" | "company" | "deal" | "custom_object" | "ticket" | (string & {});

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
 * A CRM/ticketing record as readable text for embedding: a title line (`Contact: Ada Lovelace`),
 * then one `Field: value` line per non-empty field in the record's order, ids included so a
 * question about an id finds it. Custom objects are titled by their `objectType`.
 *
 * @example
 * renderRecord({ id: "c1", firstName: "Ada", lastName: "Lovelace", emails: ["ada@example.com"] }, "contact")
 * // "Contact: Ada Lovelace\nId: c1\nFirst name: Ada\nLast name: Lovelace\nEmails: ada@example.com"
 */
export function renderRecord(record: Record<string, unknown>, kind: RecordKind): string {
  const objectType = typeof record.objectType === "string" ? record.objectType.trim() : "";
  const kindLabel = objectType ? humanizeKey(objectType) : kindLabels[kind] || humanizeKey(kind);
  const title = titleOf(record);
  const lines = [title ? `${kindLabel}: ${title}` : kindLabel, ...renderFields(record)];
  return lines.join("\n");
}

function titleOf(record: Record<string, unknown>): string {
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
