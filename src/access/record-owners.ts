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
      const ownerId = idOf(value);
      if (ownerId !== undefined) person = await owners.resolve(ownerId, integration);
      else if (value && typeof value === "object") {
        const { email, id } = value as { email?: unknown; id?: unknown };
        // A person whose email does not resolve (not an email, or not theirs in the map) may still
        // be known by id: an assignee `{ id: "u-ana", email: "Ana" }` is `records.owners`' "u-ana".
        if (typeof email === "string") person = await owners.resolve(email, integration);
        const byId = idOf(id);
        if (!person && byId !== undefined) person = await owners.resolve(byId, integration);
      }
      if (person) result.emails.add(person.email);
      else result.unresolved++;
    }),
  );
  return result;
}

/**
 * An owner id as the owners map keys it: a string, or a whole number (Zendesk and HubSpot ids are
 * integers, and a ticket's assignees are not typed by the record schema, so they arrive as numbers).
 */
function idOf(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  return typeof value === "number" && Number.isSafeInteger(value) ? String(value) : undefined;
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
