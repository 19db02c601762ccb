import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PermissionAwareRetriever } from "../../src/retrieval/index.js";
import {
  cleanSnapshot,
  OWNER,
  SharingGraphAccess,
  snapshot,
  startWorld,
  TENANT,
  type World,
} from "./harness.js";

const LEO = "leo@northwind.test";

/** Polls `check` until it holds; resolves with the time it took (measured, not asserted). */
async function until(check: () => Promise<boolean>, what: string, limitMs = 20_000): Promise<number> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > limitMs) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return Math.round(performance.now() - started);
}

async function admin(
  world: World,
  method: string,
  path: string,
  body?: unknown,
  query?: Record<string, string>,
) {
  const url = new URL(`${world.emulator.url}/__admin${path}`);
  for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, v);
  const raw = typeof body === "string";
  const response = await fetch(url, {
    method,
    headers: {
      authorization: `Bearer ${world.emulator.adminToken}`,
      ...(body !== undefined && !raw ? { "content-type": "application/json" } : {}),
    },
    ...(body === undefined ? {} : { body: raw ? body : JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`admin ${method} ${path}: ${response.status} ${await response.text()}`);
}

describe("webhooks end to end: emulator → sender → receiver → queue → ingest → store → retriever", () => {
  let world: World;
  let retriever: PermissionAwareRetriever;
  let embedCalls = 0;
  const delays: Record<string, number> = {};

  beforeAll(async () => {
    world = await startWorld({
      webhooks: {
        onPermissionChange: (_tenant, syncId, recordId) => retriever?.invalidateRecord(recordId, syncId),
      },
    });
    // Count embedding calls: a permission-only change must not make any.
    const embed = world.embeddings.embedDocuments.bind(world.embeddings);
    world.embeddings.embedDocuments = (texts) => {
      embedCalls++;
      return embed(texts);
    };
    // Long decision caching: only the webhook-driven invalidation can make sharing changes show.
    retriever = new PermissionAwareRetriever({
      store: world.store,
      embeddings: world.embeddings,
      access: new SharingGraphAccess(world.emulator),
      tenant: TENANT,
      k: 3,
      decisionCacheTtlMs: 600_000,
      allowSetTtlMs: 600_000,
      // Cached allows are trusted too, so a revocation shows only through invalidation.
      freshnessMs: 600_000,
    });
  });

  afterAll(async () => {
    console.log("webhook → searchable delays (ms):", JSON.stringify(delays));
    await world?.close();
  });

  const finds = async (user: string, marker: string) => {
    const { documents } = await retriever.retrieveWithReport(marker, { user });
    return documents.some((d) => d.pageContent.includes(marker));
  };
  const recordAt = (path: string) => world.emulator.state.nodeAt(world.syncIds.drive, path).id;
  const chunksOf = (recordId: string) => world.store.count({ tenant: TENANT, recordIds: [recordId] });

  it("answers the verification probe and refuses a wrong secret", async () => {
    const probe = await fetch(world.webhookUrl, {
      method: "POST",
      body: JSON.stringify({ event: "webhook_verification" }),
    });
    expect(probe.status).toBe(200);
    const wrong = await fetch(world.webhookUrl.replace("s3cret", "nope"), {
      method: "POST",
      body: JSON.stringify({ event: "webhook_verification" }),
    });
    expect(wrong.status).toBe(401);
  });

  it("ingests every sync from the sync_complete that ends the initial sync", async () => {
    expect(await world.store.count({ tenant: TENANT })).toBe(0);
    world.sender.announceSyncs();
    await world.settle();
    expect(await snapshot(world.store, Object.values(world.syncIds))).toEqual(await cleanSnapshot(world));
    expect(await finds(OWNER, "Vacation")).toBe(true);
  });

  it("makes an added file searchable", async () => {
    await admin(world, "PUT", `/syncs/${world.syncIds.drive}/files`, "Zanzibar launch checklist.\n", {
      path: "Engineering/Launch.md",
    });
    delays.add = await until(() => finds(OWNER, "Zanzibar"), "added file searchable");
    await world.settle();
  });

  it("re-embeds an edited file and drops its old text", async () => {
    const id = recordAt("Engineering/Launch.md");
    await admin(world, "PUT", `/syncs/${world.syncIds.drive}/files`, "Quokka launch checklist.\n", {
      path: "Engineering/Launch.md",
    });
    delays.edit = await until(() => finds(OWNER, "Quokka"), "edit searchable");
    await world.settle();
    expect(await finds(OWNER, "Zanzibar")).toBe(false);
    expect(await chunksOf(id)).toBe(1);
  });

  it("patches a moved file's metadata without embedding", async () => {
    const before = embedCalls;
    await admin(world, "POST", `/syncs/${world.syncIds.drive}/move`, {
      from: "Engineering/Launch.md",
      to: "Company/Launch plan.md",
    });
    await world.settle();
    const { documents } = await retriever.retrieveWithReport("Quokka", { user: OWNER });
    expect(documents.find((d) => d.pageContent.includes("Quokka"))?.metadata.name).toBe("Launch plan.md");
    expect(embedCalls).toBe(before);
  });

  it("shows a file to a person it is shared with, and hides it when unshared, embedding nothing", async () => {
    const before = embedCalls;
    expect(await finds(LEO, "Vacation")).toBe(false); // a deny is now cached for ten minutes
    await admin(world, "POST", `/syncs/${world.syncIds.drive}/share`, {
      path: "HR/Handbook.md",
      grant: { user: LEO, role: "reader" },
    });
    delays.share = await until(() => finds(LEO, "Vacation"), "shared file visible");
    await world.settle();
    await admin(world, "POST", `/syncs/${world.syncIds.drive}/unshare`, {
      path: "HR/Handbook.md",
      principal: { user: LEO },
    });
    delays.unshare = await until(async () => !(await finds(LEO, "Vacation")), "unshared file hidden");
    await world.settle();
    expect(await finds(LEO, "Vacation")).toBe(false);
    expect(await finds(OWNER, "Vacation")).toBe(true);
    expect(embedCalls).toBe(before);
  });

  it("removes a deleted file's chunks", async () => {
    const id = recordAt("Company/Launch plan.md");
    await admin(world, "DELETE", `/syncs/${world.syncIds.drive}/files`, undefined, {
      path: "Company/Launch plan.md",
    });
    delays.delete = await until(async () => !(await finds(OWNER, "Quokka")), "deleted file gone");
    await world.settle();
    expect(await chunksOf(id)).toBe(0);
    expect((await world.store.getRecordVersions(TENANT, world.syncIds.drive, [id])).size).toBe(0);
  });

  it("ends equal to a clean full ingest, with the work on the health metrics", async () => {
    expect(await snapshot(world.store, Object.values(world.syncIds))).toEqual(await cleanSnapshot(world));
    const m = world.webhooks.metrics();
    expect(m.pending).toBe(0);
    expect(m.lagMs).toBe(0);
    expect(m.processed).toBe(m.accepted);
    expect(m.deadLettered).toBe(0);
    expect(m.verifications).toBe(1);
    expect(m.unauthorized).toBe(1);
  });
});
