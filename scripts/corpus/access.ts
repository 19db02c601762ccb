import { type Company, type Sharing, syncRootOf } from "./company.js";
import { type CorpusRecord, companyRecords, recordReaders, recordRef } from "./records.js";
import type { Role } from "./schema.js";

/**
 * A small evaluator of the manifest's sharing rules, used to check each company's questions and access cases
 * before anything is written.
 *
 * Two spots in docs/corpus-manifest.md can be read two ways: whether a folder's `owner` (as opposed to an owner
 * grant) is inherited by what is below it, and whether "anyone with the link" lets everyone find the file in a
 * search. The corpus is built so that every question's answer is the same under both readings of the first; the
 * link-shared files are the only place the second matters (see the `anyone-with-link` access case).
 */
interface Reading {
  ownerInherits: boolean;
  linkIsEveryone: boolean;
}
const STRICT: Reading = { ownerInherits: false, linkIsEveryone: false };
export const READINGS: Reading[] = [
  { ownerInherits: false, linkIsEveryone: false },
  { ownerInherits: true, linkIsEveryone: false },
  { ownerInherits: false, linkIsEveryone: true },
  { ownerInherits: true, linkIsEveryone: true },
];
const LEVEL: Record<Role, number> = { reader: 1, writer: 2, owner: 3 };
export const RELATION_LEVEL = { can_read: 1, can_write: 2, is_owner: 3 } as const;

/**
 * Who may do what in one company's syncs, by person key. A path `<records path>#<externalId>` is a
 * CRM or ticket record, readable as its sync's record policy says (records.ts).
 */
export class Access {
  readonly records: Map<string, CorpusRecord>;

  constructor(private readonly company: Company) {
    this.records = companyRecords(company);
  }

  /** Throws when a path names neither a document, a folder nor a record of the company. */
  requireExists(path: string): void {
    if (recordRef(path)) this.recordAt(path);
    else this.entryOf(path);
  }

  /** The record a `<records path>#<externalId>` path names. */
  recordAt(path: string): CorpusRecord {
    const record = this.records.get(path);
    if (!record) throw new Error(`${this.company.id}: no such record in the corpus: ${path}`);
    return record;
  }

  /** Every document and record with its text, by path (where markers and facts are looked for). */
  texts(): { path: string; text: string }[] {
    return [
      ...this.company.documents.map((d) => ({ path: d.path, text: d.body })),
      ...[...this.records.values()].map((r) => ({ path: r.ref, text: r.text })),
    ];
  }

  /** The groups a person is in, nested ones included. */
  groupsOf(key: string): Set<string> {
    const out = new Set<string>();
    for (let changed = true; changed; ) {
      changed = false;
      for (const g of this.company.groups) {
        if (out.has(g.id)) continue;
        if (g.members.some((m) => m === key || (m.startsWith("group:") && out.has(m.slice(6))))) {
          out.add(g.id);
          changed = true;
        }
      }
    }
    return out;
  }

  /** A folder's ("…/") or a document's sharing. */
  entryOf(path: string): Sharing {
    const e = path.endsWith("/")
      ? this.company.folders[path]
      : this.company.documents.find((d) => d.path === path);
    if (!e) throw new Error(`${this.company.id}: no such path in the corpus: ${path}`);
    return e;
  }

  /** 0 none, 1 reader, 2 writer, 3 owner. */
  accessLevel(key: string, path: string, reading: Reading = STRICT): number {
    // Record policies allow reading only.
    if (recordRef(path)) return recordReaders(this.company, this.recordAt(path)).includes(key) ? 1 : 0;
    const groups = this.groupsOf(key);
    const email = this.company.people[key]!.email;
    let best = 0;
    [path, ...ancestors(this.company, path)].forEach((p, i) => {
      const e = this.entryOf(p);
      if (e.owner === key && (i === 0 || reading.ownerInherits)) best = 3;
      for (const g of e.grants ?? []) {
        const match =
          ("user" in g && g.user === key) ||
          ("group" in g && groups.has(g.group)) ||
          ("domain" in g && email.endsWith(`@${g.domain}`)) ||
          ("anyone" in g && (g.anyone === "public" || reading.linkIsEveryone));
        if (match) best = Math.max(best, LEVEL[g.role]);
      }
    });
    return best;
  }

  canRead(key: string, path: string, reading: Reading = STRICT): boolean {
    return this.accessLevel(key, path, reading) >= 1;
  }

  /** The people who can read a path, in company.yaml order. */
  readers(path: string, reading: Reading = STRICT): string[] {
    return this.company.keys.filter((k) => this.canRead(k, path, reading));
  }
}

/** The folders above a path, nearest first, not counting its sync root (which is not a record). */
export function ancestors(company: Company, path: string): string[] {
  const root = syncRootOf(company, path) ?? "";
  const parts = path
    .slice(root.length + 1)
    .replace(/\/$/, "")
    .split("/");
  const out: string[] = [];
  for (let i = parts.length - 1; i >= 1; i--) out.push(`${root}/${parts.slice(0, i).join("/")}/`);
  return out;
}
