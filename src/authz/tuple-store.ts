import type { UserRef } from "./identifiers.js";
import { formatUser, parseObject, parseUser } from "./identifiers.js";

/** A relationship tuple in OpenFGA form: `user` has `relation` on `object`. */
export interface TupleKey {
  readonly object: string;
  readonly relation: string;
  readonly user: string;
}

/** A stored userset user, with its `type#relation` precomputed for type-restriction lookups. */
export interface UsersetEntry {
  readonly type: string;
  readonly id: string;
  readonly relation: string;
  readonly typeRelation: string;
}

/** The users of one `type:id#relation`, split so check can test membership and walk usersets apart. */
export interface Bucket {
  /** Plain objects and wildcards, keyed by their string. */
  readonly direct: Map<string, Exclude<UserRef, { kind: "userset" }>>;
  /** Usersets (`group:eng#member`), keyed by their string. */
  readonly usersets: Map<string, UsersetEntry>;
}

/**
 * In-memory tuple store with the two indexes the algorithms need: forward by `object#relation`
 * (check, expand, list-users) and reverse by user then `type#relation` (list-objects).
 * Writes and deletes are incremental, so a change is visible to the very next read.
 * It does not know the model: the engine validates writes and ignores tuples the model rejects.
 */
export class TupleStore {
  private readonly forward = new Map<string, Bucket>();
  private readonly reverse = new Map<string, Map<string, Set<string>>>();
  private count = 0;

  /** Creates a store holding `tuples`. */
  static from(tuples: Iterable<TupleKey>): TupleStore {
    const store = new TupleStore();
    store.write(tuples);
    return store;
  }

  /** Number of stored tuples. */
  get size(): number {
    return this.count;
  }

  /** Adds tuples (duplicates are ignored); returns how many were new. Throws on malformed identifiers. */
  write(tuples: Iterable<TupleKey>): number {
    let added = 0;
    for (const tuple of tuples) {
      const object = parseObject(tuple.object);
      const user = parseUser(tuple.user);
      const userKey = formatUser(user);
      const key = `${tuple.object}#${tuple.relation}`;
      let bucket = this.forward.get(key);
      if (!bucket) {
        bucket = { direct: new Map(), usersets: new Map() };
        this.forward.set(key, bucket);
      }
      if (user.kind === "userset") {
        if (bucket.usersets.has(userKey)) continue;
        bucket.usersets.set(userKey, { ...user, typeRelation: `${user.type}#${user.relation}` });
      } else {
        if (bucket.direct.has(userKey)) continue;
        bucket.direct.set(userKey, user);
      }
      this.reverseIds(userKey, `${object.type}#${tuple.relation}`).add(object.id);
      this.count++;
      added++;
    }
    return added;
  }

  /** Removes tuples (absent ones are ignored); returns how many were removed. */
  delete(tuples: Iterable<TupleKey>): number {
    let removed = 0;
    for (const tuple of tuples) {
      const object = parseObject(tuple.object);
      const user = parseUser(tuple.user);
      const userKey = formatUser(user);
      const key = `${tuple.object}#${tuple.relation}`;
      const bucket = this.forward.get(key);
      if (!bucket) continue;
      const map = user.kind === "userset" ? bucket.usersets : bucket.direct;
      if (!map.delete(userKey)) continue;
      if (bucket.direct.size === 0 && bucket.usersets.size === 0) this.forward.delete(key);
      const byType = this.reverse.get(userKey);
      const typeRelation = `${object.type}#${tuple.relation}`;
      const ids = byType?.get(typeRelation);
      ids?.delete(object.id);
      if (ids?.size === 0) byType?.delete(typeRelation);
      if (byType?.size === 0) this.reverse.delete(userKey);
      this.count--;
      removed++;
    }
    return removed;
  }

  /** Whether the exact tuple is stored. */
  has(tuple: TupleKey): boolean {
    const bucket = this.forward.get(`${tuple.object}#${tuple.relation}`);
    return bucket ? bucket.direct.has(tuple.user) || bucket.usersets.has(tuple.user) : false;
  }

  /** The users stored on `object#relation`, or undefined when there are none. */
  bucket(type: string, id: string, relation: string): Bucket | undefined {
    return this.forward.get(`${type}:${id}#${relation}`);
  }

  /** Ids of objects of `type` on which `user` (exact string) is stored under `relation`. */
  objectIds(user: string, type: string, relation: string): ReadonlySet<string> | undefined {
    return this.reverse.get(user)?.get(`${type}#${relation}`);
  }

  /** Every stored tuple, e.g. to persist the store. */
  *tuples(): IterableIterator<TupleKey> {
    for (const [key, bucket] of this.forward) {
      const hash = key.lastIndexOf("#");
      const object = key.slice(0, hash);
      const relation = key.slice(hash + 1);
      for (const user of bucket.direct.keys()) yield { object, relation, user };
      for (const user of bucket.usersets.keys()) yield { object, relation, user };
    }
  }

  private reverseIds(user: string, typeRelation: string): Set<string> {
    let byType = this.reverse.get(user);
    if (!byType) {
      byType = new Map();
      this.reverse.set(user, byType);
    }
    let ids = byType.get(typeRelation);
    if (!ids) {
      ids = new Set();
      byType.set(typeRelation, ids);
    }
    return ids;
  }
}
