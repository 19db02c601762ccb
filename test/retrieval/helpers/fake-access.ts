import {
  type AccessControl,
  type AllowList,
  type BatchCheckResult,
  type Decision,
  type ObjectRef,
  PermissionsUnavailableError,
  type Relation,
} from "../../../src/access/index.js";

/**
 * A fake of the AccessControl port for algorithm tests: the truth is an in-memory grant table, and
 * call counts, per-item errors and outages can be injected. End-to-end tests use the emulator.
 */
export class FakeAccessControl implements AccessControl {
  readonly grants = new Map<string, Set<string>>();
  batchCalls = 0;
  listCalls = 0;
  checkedObjects = 0;
  /** Records whose check comes back as a per-item error. */
  readonly erroring = new Set<string>();
  /** Set to make every call fail as the Permissions API being down. */
  down = false;
  /** list-objects reports incomplete (a cap was hit). */
  truncateLists = false;

  constructor(readonly batchSize = 100) {}

  grant(subject: string, syncId: string, recordId: string): void {
    let set = this.grants.get(subject);
    if (!set) {
      set = new Set();
      this.grants.set(subject, set);
    }
    set.add(`${syncId}/${recordId}`);
  }

  revoke(subject: string, syncId: string, recordId: string): void {
    this.grants.get(subject)?.delete(`${syncId}/${recordId}`);
  }

  allows(subject: string, syncId: string, recordId: string): boolean {
    return this.grants.get(subject)?.has(`${syncId}/${recordId}`) ?? false;
  }

  async batchCheck(
    subject: string,
    objects: readonly ObjectRef[],
    _relation: Relation,
  ): Promise<BatchCheckResult> {
    if (this.down) throw new PermissionsUnavailableError("fake: the Permissions API is down");
    const perSync = new Map<string, number>();
    for (const object of objects) perSync.set(object.syncId, (perSync.get(object.syncId) ?? 0) + 1);
    const calls = [...perSync.values()].reduce((sum, n) => sum + Math.ceil(n / this.batchSize), 0);
    this.batchCalls += calls;
    this.checkedObjects += objects.length;
    const decisions: Decision[] = objects.map((object) => {
      if (this.erroring.has(object.recordId)) return { kind: "error", reason: "fake: could not resolve" };
      return this.allows(subject, object.syncId, object.recordId) ? { kind: "allow" } : { kind: "deny" };
    });
    return { decisions, calls };
  }

  async listObjects(subject: string, _relation: Relation, syncId: string): Promise<AllowList> {
    if (this.down) throw new PermissionsUnavailableError("fake: the Permissions API is down");
    this.listCalls += 1;
    const prefix = `${syncId}/`;
    const recordIds = [...(this.grants.get(subject) ?? [])]
      .filter((key) => key.startsWith(prefix))
      .map((key) => key.slice(prefix.length));
    return { recordIds, complete: !this.truncateLists, calls: 1 };
  }
}
