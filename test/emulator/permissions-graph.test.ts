// The bridge between the emulator's state and the authz engine: after any sequence of changes,
// the incrementally maintained graph decides exactly as an engine built afresh from
// `state.sharingGraph()` through the authz drive mapping (`driveTuples`), the independent oracle.
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { AuthzEngine, type DriveGraph, driveTuples, loadDriveModel } from "../../src/authz/index.js";
import { PermissionGraph, ROLES } from "../../src/emulator/authz/index.js";
import { corpusToState, type EmulatorState, type Principal } from "../../src/emulator/index.js";
import { ContentStore } from "../../src/emulator/state/index.js";
import { smallCorpus } from "./helpers.js";

const PEOPLE = ["maya@northwind.test", "leo@northwind.test", "ana@northwind.test", "new@northwind.test"];
const GROUPS = ["engineering", "platform"];
const PATHS = [
  "Engineering",
  "Engineering/Architecture.md",
  "Engineering/Runbooks",
  "Company/Handbook.md",
  "HR",
];

type Op =
  | { kind: "share"; path: string; principal: Principal; role: "owner" | "writer" | "reader" }
  | { kind: "unshare"; path: string; principal: Principal }
  | { kind: "owner"; path: string; email: string }
  | { kind: "member"; add: boolean; group: string; email: string }
  | { kind: "move"; from: string; to: string }
  | { kind: "remove"; path: string }
  | { kind: "put"; path: string }
  | { kind: "person" };

const principal = fc.oneof(
  fc.constantFrom(...PEOPLE.slice(0, 3)).map((email): Principal => ({ type: "user", email })),
  fc.constantFrom(...GROUPS).map((id): Principal => ({ type: "group", id })),
  fc.constant<Principal>({ type: "domain", domain: "northwind.test" }),
  fc.constantFrom<Principal>({ type: "anyone", scope: "link" }, { type: "anyone", scope: "public" }),
);
const path = fc.constantFrom(...PATHS, "Moved", "Moved/Deeper");
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant("share" as const),
    path,
    principal,
    role: fc.constantFrom("writer", "reader"),
  }),
  fc.record({ kind: fc.constant("unshare" as const), path, principal }),
  fc.record({ kind: fc.constant("owner" as const), path, email: fc.constantFrom(...PEOPLE.slice(0, 3)) }),
  fc.record({
    kind: fc.constant("member" as const),
    add: fc.boolean(),
    group: fc.constantFrom(...GROUPS),
    email: fc.constantFrom(...PEOPLE.slice(0, 3)),
  }),
  fc.record({
    kind: fc.constant("move" as const),
    from: path,
    to: fc.constantFrom("Moved/x", "Moved/Deeper/y", "HR/z"),
  }),
  fc.record({ kind: fc.constant("remove" as const), path }),
  fc.record({
    kind: fc.constant("put" as const),
    path: fc.constantFrom("Engineering/new.md", "Moved/Deeper/n.md"),
  }),
  fc.constant<Op>({ kind: "person" }),
);

function apply(state: EmulatorState, syncId: string, o: Op): void {
  try {
    switch (o.kind) {
      case "share":
        state.share(syncId, o.path, { principal: o.principal, role: o.role });
        return;
      case "unshare":
        state.unshare(syncId, o.path, o.principal);
        return;
      case "owner":
        state.setOwner(syncId, o.path, o.email);
        return;
      case "member":
        if (o.add) state.addGroupMember(o.group, { type: "user", email: o.email });
        else state.removeGroupMember(o.group, { type: "user", email: o.email });
        return;
      case "move":
        state.move(syncId, o.from, o.to);
        return;
      case "remove":
        state.remove(syncId, o.path);
        return;
      case "put":
        state.putFile(syncId, o.path, new TextEncoder().encode("x"));
        return;
      case "person":
        state.addPerson({ email: "new@northwind.test" });
        return;
    }
  } catch {
    // A change the state refuses (missing path, moving into itself…) changes nothing.
  }
}

/** The oracle: an engine built from scratch from the state's sharing graph with `driveTuples`. */
function freshEngine(state: EmulatorState, syncId: string): AuthzEngine {
  const graph = state.sharingGraph();
  const drive: DriveGraph = {
    domain: graph.domain,
    people: graph.people.map((p) => p.email),
    groups: graph.groups.map((g) => ({
      id: g.id,
      members: g.members.map((m) => (m.type === "user" ? m.email : `group:${m.id}`)),
    })),
    nodes: graph.nodes
      .filter((n) => n.syncId === syncId)
      .map((n) => ({
        id: n.id,
        type: n.type,
        ...(n.parentId ? { parentId: n.parentId } : {}),
        owner: n.owner,
        grants: n.grants
          .filter((g) => !(g.role === "owner" && g.principal.type !== "user"))
          .map((g) => {
            const p = g.principal;
            const who =
              p.type === "user"
                ? { user: p.email }
                : p.type === "group"
                  ? { group: p.id }
                  : p.type === "domain"
                    ? { domain: p.domain }
                    : { anyone: p.scope };
            return { ...who, role: g.role };
          }),
      })),
  };
  const engine = new AuthzEngine(loadDriveModel());
  engine.write(driveTuples(drive));
  return engine;
}

describe("PermissionGraph follows the state's changes", () => {
  it("decides as a fresh build after any sequence of changes", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 25 }), (ops) => {
        const state = corpusToState(smallCorpus(), new ContentStore());
        const sync = state.syncsOf("northwind")[0];
        if (!sync) throw new Error("no sync");
        const bridge = new PermissionGraph(state);
        bridge.of(sync); // built before the changes, so they are applied incrementally
        for (const o of ops) apply(state, sync.id, o);
        const incremental = bridge.of(sync).engine;
        const oracle = freshEngine(state, sync.id);
        for (const node of sync.tree.nodes()) {
          const object = `${node.type}:${node.id}`;
          for (const email of PEOPLE) {
            for (const relation of ROLES) {
              const request = { user: `user:${email}`, relation, object };
              expect(incremental.check(request).allowed, `${email} ${relation} ${node.path}`).toBe(
                oracle.check(request).allowed,
              );
            }
          }
        }
        bridge.close();
      }),
      { numRuns: 60, seed: 7 },
    );
  });

  it("drops a sync's graph when the sync is deleted and rebuilds it on next use", () => {
    const state = corpusToState(smallCorpus(), new ContentStore());
    const sync = state.syncsOf("northwind")[0];
    if (!sync) throw new Error("no sync");
    const bridge = new PermissionGraph(state);
    const before = bridge.of(sync);
    state.deleteSync("northwind", sync.id);
    const again = state.enableSync("northwind", {
      integration: sync.integration,
      pipeline: sync.pipeline,
      configurationName: sync.configurationName,
    }).sync;
    const after = bridge.of(again);
    expect(after).not.toBe(before);
    expect(after.engine.tuples().length).toBe(before.engine.tuples().length);
    bridge.close();
  });

  it("drops a graph whose group update fails, so a removed member is denied on the next request", () => {
    const state = corpusToState(smallCorpus(), new ContentStore());
    const sync = state.syncsOf("northwind")[0];
    const other = state.syncsOf("other-co")[0];
    if (!sync || !other) throw new Error("no syncs");
    const bridge = new PermissionGraph(state);
    const failing = bridge.of(sync);
    const healthy = bridge.of(other);
    const folder = sync.tree.getByPath("Engineering");
    if (!folder) throw new Error("no Engineering folder");
    const request = { user: "user:ana@northwind.test", relation: "can_read", object: `folder:${folder.id}` };
    expect(bridge.of(sync).engine.check(request).allowed).toBe(true);

    vi.spyOn(failing, "apply").mockImplementation(() => {
      throw new Error("apply failed");
    });
    const applyHealthy = vi.spyOn(healthy, "apply");
    state.removeGroupMember("platform", { type: "user", email: "ana@northwind.test" });

    expect(applyHealthy).toHaveBeenCalledTimes(1); // one graph failing does not stop the others
    expect(bridge.of(other)).toBe(healthy);
    const rebuilt = bridge.of(sync);
    expect(rebuilt).not.toBe(failing);
    expect(rebuilt.engine.check(request).allowed).toBe(false);
    bridge.close();
  });
});
