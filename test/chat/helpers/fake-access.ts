import {
  type AccessControl,
  type AllowList,
  type BatchCheckResult,
  type ObjectRef,
  PermissionsUnavailableError,
} from "../../../src/access/index.js";

/**
 * A fake of the Permissions API port for handler tests: an in-memory grant table ("who may read
 * which record") plus an outage switch. The end-to-end tests (test/server, test/browser) use the emulator.
 */
export class FakeAccessControl implements AccessControl {
  down = false;
  /** What the outage says, as an upstream failure would: it names the sync and an internal host. */
  static readonly DOWN_MESSAGE =
    "fake: Managed Sync answered 502 Bad Gateway for POST /api/permissions/sync-drive/batch-check (connect ECONNREFUSED 10.0.0.7:443)";
  calls = 0;
  /** Records the fake cannot decide (a per-item error, which counts as a deny). */
  readonly undecided = new Set<string>();
  readonly #grants = new Map<string, Set<string>>();

  grant(subject: string, recordId: string): this {
    const set = this.#grants.get(subject) ?? new Set<string>();
    set.add(recordId);
    this.#grants.set(subject, set);
    return this;
  }

  revoke(subject: string, recordId: string): this {
    this.#grants.get(subject)?.delete(recordId);
    return this;
  }

  #allows(subject: string, recordId: string): boolean {
    return this.#grants.get(subject)?.has(recordId) ?? false;
  }

  async batchCheck(subject: string, objects: readonly ObjectRef[]): Promise<BatchCheckResult> {
    this.calls += 1;
    if (this.down) throw new PermissionsUnavailableError(FakeAccessControl.DOWN_MESSAGE);
    return {
      decisions: objects.map((o) => {
        if (this.undecided.has(o.recordId))
          return { kind: "error", reason: `fake: cannot decide ${o.recordId}` };
        return this.#allows(subject, o.recordId) ? { kind: "allow" } : { kind: "deny" };
      }),
      calls: 1,
    };
  }

  async listObjects(subject: string): Promise<AllowList> {
    this.calls += 1;
    if (this.down) throw new PermissionsUnavailableError(FakeAccessControl.DOWN_MESSAGE);
    return { recordIds: [...(this.#grants.get(subject) ?? [])], complete: true, calls: 1 };
  }
}
