/** A CRM owner as a person: the email the Permissions API and identities use, and a name to show. */
export interface OwnerPerson {
  email: string;
  name?: string;
}

/** How a configured owner is written: an email, or an email with a name. */
export type OwnerEntry = string | OwnerPerson;

/**
 * Where owner ids (`ownerId`: a CRM user id such as Salesforce's `005…`) become people: a map keyed
 * by owner id (or `<integration>:<owner id>` where ids of two CRMs could collide), or a function.
 */
export type OwnersInput =
  | Readonly<Record<string, OwnerEntry>>
  | ((ownerId: string, integration: string) => OwnerEntry | undefined | Promise<OwnerEntry | undefined>);

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** True for something shaped like an email address (and never for `*` or a bare id). */
export function isEmail(value: string): boolean {
  return EMAIL.test(value);
}

/**
 * Turns a record's owner id into a person. An owner id that is itself an email is taken as is;
 * anything else needs the configured map or function, and is unknown (undefined) without it.
 *
 * @example
 * const owners = new OwnerDirectory({ "005Nw000001MayaAAA": { email: "maya@northwind.test", name: "Maya Patel" } });
 * await owners.resolve("005Nw000001MayaAAA", "salesforce"); // { email: "maya@northwind.test", name: "Maya Patel" }
 */
export class OwnerDirectory {
  readonly #input: OwnersInput | undefined;

  constructor(input?: OwnersInput) {
    this.#input = input;
  }

  async resolve(ownerId: string, integration: string): Promise<OwnerPerson | undefined> {
    const id = ownerId.trim();
    if (id === "") return undefined;
    const input = this.#input;
    let entry: OwnerEntry | undefined;
    if (typeof input === "function") entry = await input(id, integration);
    else if (input) entry = ownerEntryIn(input, id, integration);
    if (entry === undefined || entry === null) return isEmail(id) ? { email: id.toLowerCase() } : undefined;
    const person = typeof entry === "string" ? { email: entry } : entry;
    if (typeof person.email !== "string") return undefined;
    const email = person.email.trim().toLowerCase();
    if (!isEmail(email)) return undefined;
    return typeof person.name === "string" && person.name ? { email, name: person.name } : { email };
  }
}

/**
 * What a map says of an owner id: its `<integration>:<owner id>` entry, else its bare one. Only the
 * map's own keys count.
 */
export function ownerEntryIn(
  map: Readonly<Record<string, OwnerEntry>>,
  ownerId: string,
  integration: string,
): OwnerEntry | undefined {
  return ownEntry(map, `${integration}:${ownerId}`) ?? ownEntry(map, ownerId);
}

// Owner ids come from CRM records: `constructor` or `__proto__` must not find Object's own members.
function ownEntry(map: Readonly<Record<string, OwnerEntry>>, key: string): OwnerEntry | undefined {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}
