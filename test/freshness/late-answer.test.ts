// Two checks of the same record whose answers come back out of order, over the real emulator: an
// allow asked for before a revocation, held up on the way back, must not replace the denial asked
// for after it in the decision cache (evidence is as fresh as its request was sent). With caching
// on (freshnessMs > 0), the stale allow would otherwise let a third query return the revoked file.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AccessControl,
  type BatchCheckResult,
  ManagedSyncAccessControl,
  type ObjectRef,
  type Relation,
} from "../../src/access/index.js";
import type { CorpusSpec } from "../../src/emulator/index.js";
import { PermissionAwareRetriever } from "../../src/retrieval/index.js";
import { gate } from "../gate.js";
import { textFor } from "../retrieval/helpers/corpus.js";
import { ingestFiles, startWorld, type World } from "../retrieval/helpers/emulator-world.js";
import { until } from "../until.js";

const ANA = "ana@northwind.test";

function corpus(): CorpusSpec {
  return {
    manifest: {
      domain: "northwind.test",
      people: [{ email: "maya@northwind.test" }, { email: ANA }],
      connectedUsers: [
        {
          id: "northwind",
          syncs: [{ integration: "googledrive", root: "drive", owner: "maya@northwind.test" }],
        },
      ],
      sharing: {
        "drive/Plans/roadmap.md": { grants: [{ user: ANA, role: "reader" }] },
        "drive/Plans/budget.md": { grants: [{ user: ANA, role: "reader" }] },
      },
    },
    files: { "drive/Plans/roadmap.md": "roadmap", "drive/Plans/budget.md": "budget" },
  };
}

/**
 * A fake around the real Permissions API port: each batch-check is sent at once (the emulator
 * answers as of that moment), and the answer of one the test holds comes back only when released,
 * as a slow network would deliver it.
 */
class HeldAnswers implements AccessControl {
  hold: Promise<void> | undefined;
  sent = 0;

  constructor(readonly inner: AccessControl) {}

  async batchCheck(
    subject: string,
    objects: readonly ObjectRef[],
    relation: Relation,
    signal?: AbortSignal,
  ): Promise<BatchCheckResult> {
    const hold = this.hold;
    const answer = await this.inner.batchCheck(subject, objects, relation, signal);
    this.sent += 1;
    if (hold) await hold;
    return answer;
  }

  listObjects: AccessControl["listObjects"] = (...args) => this.inner.listObjects(...args);
}

let world: World;

beforeAll(async () => {
  world = await startWorld(corpus(), "northwind");
  await ingestFiles(world, (_file, index) => [textFor(index, 10)]);
});

afterAll(async () => {
  await world?.close();
});

describe("the decision cache and answers that arrive out of order", () => {
  it("keeps the denial asked for after a revocation when the allow asked for before it arrives later", async () => {
    const roadmap = [...world.files.values()].find((f) => f.path === "Plans/roadmap.md")!;
    const access = new HeldAnswers(new ManagedSyncAccessControl({ permissions: world.client.permissions }));
    // Cached evidence is used on age alone for a minute (`age` freshness, no follower).
    const retriever = new PermissionAwareRetriever({
      store: world.store,
      embeddings: world.embeddings,
      access,
      tenant: "northwind",
      syncIds: [roadmap.syncId],
      strategy: "post",
      k: 5,
      freshnessMs: 60_000,
      decisionCacheTtlMs: 60_000,
    });
    const ids = (result: { documents: { metadata: { recordId: string } }[] }) =>
      result.documents.map((d) => d.metadata.recordId);

    // A: its check is answered "allow", and the answer is held on its way back.
    const held = gate();
    access.hold = held.wait;
    const a = retriever.retrieveWithReport("roadmap", { user: ANA });
    await until(() => access.sent === 1);
    access.hold = undefined;
    // The roadmap is unshared; B asks after that, is answered "deny" at once, and caches it.
    await world.admin("POST", `/syncs/${roadmap.syncId}/unshare`, {
      path: "Plans/roadmap.md",
      principal: { user: ANA },
    });
    const b = await retriever.retrieveWithReport("roadmap", { user: ANA });
    expect(ids(b)).not.toContain(roadmap.id);
    // A's allow arrives now: right for A (as of its request), older than B's denial.
    held.open();
    expect(ids(await a)).toContain(roadmap.id);

    const c = await retriever.retrieveWithReport("roadmap", { user: ANA });
    expect(ids(c)).not.toContain(roadmap.id);
  });
});
