import type { HashingEmbeddings } from "../../../src/embeddings/index.js";
import type { CorpusSpec, Emulator } from "../../../src/emulator/index.js";
import { startEmulator } from "../../../src/emulator/index.js";
import { ManagedSyncClient } from "../../../src/managed-sync/index.js";
import type { LanceChunkStore } from "../../../src/store/index.js";
import { embeddings as makeEmbeddings, type RecordSpec, tempStore, upsertRecords } from "./corpus.js";

export interface FileNode {
  id: string;
  path: string;
  syncId: string;
}

/** A running emulator with a Managed Sync client for one tenant and a real LanceDB store beside it. */
export interface World {
  emu: Emulator;
  client: ManagedSyncClient;
  store: LanceChunkStore;
  embeddings: HashingEmbeddings;
  tenant: string;
  /** Every file of every sync of the tenant, by "<syncId>/<path>". */
  files: Map<string, FileNode>;
  admin(method: string, path: string, body?: unknown): Promise<unknown>;
  /** The files of another tenant of the same emulator. */
  filesOf(tenant: string): Promise<Map<string, FileNode>>;
  close(): Promise<void>;
}

export async function startWorld(
  corpus: CorpusSpec,
  tenant: string,
  clientOptions: { timeoutMs?: number; retries?: number } = {},
): Promise<World> {
  const emu = await startEmulator({ corpus, port: 0 });
  const { store, dispose } = await tempStore();
  const admin = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${emu.url}/__admin${path}`, {
      method,
      headers: { authorization: `Bearer ${emu.adminToken}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`admin ${method} ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  const filesOf = async (owner: string) => {
    const state = (await admin("GET", "/state")) as { syncs: { id: string; tenant: string }[] };
    const files = new Map<string, FileNode>();
    for (const sync of state.syncs.filter((s) => s.tenant === owner)) {
      const nodes = (await admin("GET", `/syncs/${sync.id}/nodes`)) as {
        data: { id: string; path: string; type: string }[];
      };
      for (const node of nodes.data) {
        if (node.type === "file")
          files.set(`${sync.id}/${node.path}`, { id: node.id, path: node.path, syncId: sync.id });
      }
    }
    return files;
  };
  const files = await filesOf(tenant);
  const client = new ManagedSyncClient({
    baseUrl: emu.url,
    auth: { token: await emu.tokenFor(tenant) },
    timeoutMs: clientOptions.timeoutMs ?? 10_000,
    retry: { retries: clientOptions.retries ?? 1, baseDelayMs: 1, maxDelayMs: 5 },
  });
  return {
    emu,
    client,
    store,
    embeddings: makeEmbeddings(),
    tenant,
    files,
    admin,
    filesOf,
    close: async () => {
      await emu.close();
      await dispose();
    },
  };
}

/** Stores chunks for every file, the way ingest would, with `textsOf(file)` as the chunk texts. */
export async function ingestFiles(
  world: World,
  textsOf: (file: FileNode, index: number) => string[],
): Promise<void> {
  const records: RecordSpec[] = [...world.files.values()].map((file, index) => ({
    tenant: world.tenant,
    syncId: file.syncId,
    recordId: file.id,
    texts: textsOf(file, index),
    name: file.path,
  }));
  await upsertRecords(world.store, world.embeddings, records);
}
