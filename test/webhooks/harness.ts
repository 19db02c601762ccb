import { mkdtemp, rm } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAdaptorServer } from "@hono/node-server";
import { Hono } from "hono";
import type { AccessControl, AllowList, BatchCheckResult, ObjectRef } from "../../src/access/index.js";
import { BatchedEmbeddings, HashingEmbeddings } from "../../src/embeddings/index.js";
import {
  type CorpusSpec,
  type Emulator,
  startEmulator,
  WebhookSender,
  type WebhookSenderOptions,
} from "../../src/emulator/index.js";
import { ingest } from "../../src/ingest/index.js";
import { ManagedSyncClient } from "../../src/managed-sync/index.js";
import { LanceChunkStore } from "../../src/store/index.js";
import {
  startWebhookIngest,
  type WebhookIngest,
  type WebhookIngestOptions,
} from "../../src/webhooks/index.js";

export const TENANT = "northwind";
export const DIMENSIONS = 32;
export const OWNER = "maya@northwind.test";
export const PEOPLE = ["maya", "leo", "ana"].map((n) => `${n}@northwind.test`);

/** A small drive of text files: quick to ingest, enough to see adds, edits and deletes. */
export function corpus(extra: Record<string, string> = {}): CorpusSpec {
  const files: Record<string, string> = {
    "drive/Engineering/Architecture.md":
      "# Architecture\n\nThe ingest worker pulls pages and writes chunks.\n",
    "drive/Engineering/Runbook.md": "# Runbook\n\nRestart the queue worker when the lag alarm fires.\n",
    "drive/HR/Handbook.md": "# Handbook\n\nVacation policy: twenty five days a year.\n",
    "drive/Company/All hands.md": "# All hands\n\nThe roadmap for the next quarter.\n",
    "sharepoint/Notes/Notes.txt": "Notes from the planning meeting about pricing.\n",
    ...extra,
  };
  return {
    manifest: {
      domain: "northwind.test",
      people: PEOPLE.map((email) => ({ email })),
      connectedUsers: [
        {
          id: TENANT,
          syncs: [
            { integration: "googledrive", root: "drive", owner: OWNER },
            { integration: "sharepoint", root: "sharepoint", owner: OWNER },
          ],
        },
      ],
      sharing: { "drive/Company/": { grants: [{ domain: "northwind.test", role: "reader" }] } },
    },
    files,
  };
}

export const OTHER_TENANT = "contoso";
export const OTHER_OWNER = "kim@contoso.test";

/**
 * Two Connected Users of one project: Northwind (the corpus above) and Contoso, whose drive repeats
 * Northwind's file paths with other text, so a misrouted event would show.
 */
export function twoTenantCorpus(extra: Record<string, string> = {}): CorpusSpec {
  const base = corpus(extra);
  const files: Record<string, string> = {};
  for (const [path, text] of Object.entries(base.files as Record<string, string>)) {
    files[path] = text;
    if (path.startsWith("drive/")) files[`contoso-drive/${path.slice("drive/".length)}`] = `Contoso: ${text}`;
  }
  return {
    manifest: {
      domain: "northwind.test",
      people: [...PEOPLE, OTHER_OWNER].map((email) => ({ email })),
      connectedUsers: [
        {
          id: TENANT,
          syncs: [
            { integration: "googledrive", root: "drive", owner: OWNER },
            { integration: "sharepoint", root: "sharepoint", owner: OWNER },
          ],
        },
        {
          id: OTHER_TENANT,
          syncs: [{ integration: "googledrive", root: "contoso-drive", owner: OTHER_OWNER }],
        },
      ],
      sharing: { "drive/Company/": { grants: [{ domain: "northwind.test", role: "reader" }] } },
    },
    files,
  };
}

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `clearance-webhooks-${prefix}-`));
}

export function newEmbeddings(): BatchedEmbeddings {
  return new BatchedEmbeddings(new HashingEmbeddings({ dimensions: DIMENSIONS }), { batchSize: 32 });
}

/** A Managed Sync client for the tenant, with quick retries. */
export async function clientFor(emulator: Emulator, tenant = TENANT): Promise<ManagedSyncClient> {
  return new ManagedSyncClient({
    baseUrl: emulator.url,
    auth: { token: await emulator.tokenFor(tenant) },
    timeoutMs: 5_000,
    retry: { retries: 4, baseDelayMs: 5, maxDelayMs: 50, maxRetryAfterMs: 2_000 },
  });
}

/** Serves a fetch handler on loopback, port 0, as `clearance serve` would (Hono on node-server). */
export async function serve(
  routes: (app: Hono) => void,
): Promise<{ url: string; close: () => Promise<void> }> {
  const app = new Hono();
  routes(app);
  const server = createAdaptorServer({ fetch: app.fetch, hostname: "127.0.0.1" }) as Server;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Everything one end-to-end test needs: emulator, store, webhook ingest behind HTTP, sender. */
export interface World {
  emulator: Emulator;
  client: ManagedSyncClient;
  store: LanceChunkStore;
  embeddings: BatchedEmbeddings;
  webhooks: WebhookIngest;
  sender: WebhookSender;
  webhookUrl: string;
  spoolDir: string;
  syncIds: { drive: string; sharepoint: string };
  /** Waits until the sender has delivered everything and the processor has drained the spool. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export async function startWorld(
  options: {
    corpus?: CorpusSpec;
    sender?: Partial<WebhookSenderOptions>;
    webhooks?: Partial<WebhookIngestOptions>;
  } = {},
): Promise<World> {
  const emulator = await startEmulator({ corpus: options.corpus ?? corpus(), port: 0 });
  const client = await clientFor(emulator);
  const storeDir = await tempDir("store");
  const spoolDir = await tempDir("spool");
  const store = await LanceChunkStore.open({ dir: storeDir, dimensions: DIMENSIONS });
  const embeddings = newEmbeddings();
  const webhooks = await startWebhookIngest({
    spoolDir,
    store,
    embeddings,
    clientFor: () => client,
    secret: "s3cret",
    backoff: { baseMs: 20, maxMs: 200 },
    deferMs: 50,
    ...options.webhooks,
  });
  const http = await serve((app) => {
    app.post("/webhooks/managed-sync", (c) => webhooks.handler(c.req.raw));
    app.get("/health", (c) => c.json({ webhooks: webhooks.metrics() }));
  });
  const webhookUrl = `${http.url}/webhooks/managed-sync?secret=s3cret`;
  const sender = new WebhookSender({ state: emulator.state, url: webhookUrl, ...options.sender });
  const syncs = await client.syncs.list();
  const idOf = (integration: string) => syncs.find((s) => s.integration === integration)?.id ?? "";
  return {
    emulator,
    client,
    store,
    embeddings,
    webhooks,
    sender,
    webhookUrl,
    spoolDir,
    syncIds: { drive: idOf("googledrive"), sharepoint: idOf("sharepoint") },
    async settle() {
      await sender.idle();
      await webhooks.idle();
    },
    async close() {
      sender.close();
      await http.close();
      await webhooks.close();
      await store.close();
      await emulator.close();
      await rm(storeDir, { recursive: true, force: true });
      await rm(spoolDir, { recursive: true, force: true });
    },
  };
}

/** What a store holds for the tenant, comparable across stores: record versions and chunk counts. */
export async function snapshot(
  store: LanceChunkStore,
  syncIds: readonly string[],
  tenant = TENANT,
): Promise<unknown[]> {
  const rows: unknown[] = [];
  for (const syncId of syncIds) {
    for await (const v of store.recordVersions(tenant, syncId)) {
      const chunks = await store.count({ tenant, recordIds: [v.recordId] });
      rows.push({
        syncId,
        recordId: v.recordId,
        contentHash: v.contentHash,
        sourceVersion: v.sourceVersion,
        chunkCount: v.chunkCount,
        chunks,
        name: v.name,
      });
    }
  }
  rows.push({ total: await store.count({ tenant }) });
  return rows.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

/** A clean full ingest of the emulator's current state into a fresh store. */
export async function cleanSnapshot(world: World): Promise<unknown[]> {
  return cleanSnapshotOf(world.client, [world.syncIds.drive, world.syncIds.sharepoint]);
}

/** A full ingest through `client` into a fresh store, as a {@link snapshot}. */
export async function cleanSnapshotOf(
  client: ManagedSyncClient,
  syncIds: readonly string[],
  tenant = TENANT,
): Promise<unknown[]> {
  const dir = await tempDir("clean");
  const store = await LanceChunkStore.open({ dir, dimensions: DIMENSIONS });
  try {
    const report = await fullIngest(client, store, tenant);
    if (!report.ok)
      throw new Error(`clean ingest failed: ${JSON.stringify(report.error ?? report.failures)}`);
    return await snapshot(store, syncIds, tenant);
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** A full ingest of the tenant's syncs into `store`. */
export function fullIngest(client: ManagedSyncClient, store: LanceChunkStore, tenant = TENANT) {
  return ingest({
    client,
    store,
    embeddings: newEmbeddings(),
    tenant,
    mode: "full",
    holder: "clean",
  });
}

/**
 * Access decisions read straight from the emulator's sharing graph (owner, user, group, domain and
 * anyone grants, inherited down folders): the source system's truth, independent of Clearance.
 */
export class SharingGraphAccess implements AccessControl {
  constructor(private readonly emulator: Emulator) {}

  allows(user: string, syncId: string, recordId: string): boolean {
    const graph = this.emulator.state.sharingGraph();
    const nodes = new Map(graph.nodes.filter((n) => n.syncId === syncId).map((n) => [n.id, n]));
    const groupsOf = (email: string): Set<string> => {
      const found = new Set<string>();
      let grew = true;
      while (grew) {
        grew = false;
        for (const g of graph.groups) {
          if (found.has(g.id)) continue;
          if (g.members.some((m) => (m.type === "user" ? m.email === email : found.has(m.id)))) {
            found.add(g.id);
            grew = true;
          }
        }
      }
      return found;
    };
    const groups = groupsOf(user);
    for (let node = nodes.get(recordId); node; node = node.parentId ? nodes.get(node.parentId) : undefined) {
      if (node.owner === user) return true;
      for (const { principal: p } of node.grants) {
        if (p.type === "user" && p.email === user) return true;
        if (p.type === "group" && groups.has(p.id)) return true;
        if (p.type === "domain" && user.endsWith(`@${p.domain}`)) return true;
        if (p.type === "anyone") return true;
      }
    }
    return false;
  }

  async batchCheck(subject: string, objects: readonly ObjectRef[]): Promise<BatchCheckResult> {
    return {
      decisions: objects.map((o) =>
        this.allows(subject, o.syncId, o.recordId) ? { kind: "allow" } : { kind: "deny" },
      ),
      calls: 1,
    };
  }

  async listObjects(): Promise<AllowList> {
    return { recordIds: [], complete: false, calls: 0 };
  }
}
