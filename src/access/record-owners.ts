import type { OwnerDirectory } from "../records/index.js";

/** What a record's owner field names, resolved to emails; `unresolved` counts owners with no email. */
export interface RecordOwners {
  emails: Set<string>;
  unresolved: number;
}

/**
 * The people a record's owner field names, as emails: an owner id goes through the directory, an
 * email or a person object with an email is taken as is, a list names several (a ticket's
 * assignees).
 */
export async function ownersOf(
  record: Record<string, unknown>,
  field: string,
  integration: string,
  owners: OwnerDirectory,
): Promise<RecordOwners> {
  const result: RecordOwners = { emails: new Set(), unresolved: 0 };
  const values = flatten(valueAt(record, field));
  await Promise.all(
    values.map(async (value) => {
      let person: { email: string } | undefined;
      if (typeof value === "string") person = await owners.resolve(value, integration);
      else if (value && typeof value === "object") {
        const { email, id } = value as { email?: unknown; id?: unknown };
        if (typeof email === "string") person = await owners.resolve(email, integration);
        else if (typeof id === "string") person = await owners.resolve(id, integration);
      }
      if (person) result.emails.add(person.email);
      else result.unresolved++;
    }),
  );
  return result;
}

function valueAt(record: Record<string, unknown>, path: string): unknown {
  let value: unknown = record;
  for (const key of path.split(".")) {
    if (!value || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function flatten(value: unknown): unknown[] {
  if (value === undefined || value === null || value === "") return [];
  return Array.isArray(value) ? value.flatMap(flatten) : [value];
}
