// The client against the real emulator (src/emulator): the same documented API, served by
// another team's implementation, so disagreements between the two show up here.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type CorpusSpec, type Emulator, startEmulator } from "../../src/emulator/index.js";
import {
  type FileRecord,
  isFolder,
  ManagedSyncClient,
  type ManagedSyncClientOptions,
  ManagedSyncHttpError,
  parseRecord,
  type RetryEvent,
  type SyncedRecord,
} from "../../src/managed-sync/index.js";
import { rsaKeyPair } from "./helpers/keys.js";

const PROJECT = "11111111-2222-4333-8444-555555555555";
const FILES = 60;

function corpus(): CorpusSpec {
  const files: Record<string, string> = {};
  for (let i = 0; i < FILES; i++)
    files[`drive/folder-${i % 4}/doc-${String(i).padStart(3, "0")}.txt`] = `document ${i}\n`;
  return {
    manifest: {
      version: 1,
      project: { id: PROJECT },
      domain: "northwind.test",
      people: [{ email: "maya@northwind.test", name: "Maya" }],
      groups: [],
      connectedUsers: [
        {
          id: "northwind",
          syncs: [
            { integration: "googledrive", pipeline: "files", root: "drive", owner: "maya@northwind.test" },
          ],
        },
      ],
      sharing: {},
    },
    files,
  };
}

let emu: Emulator;
let keys: ReturnType<typeof rsaKeyPair>;
let syncId: string;

function client(options: Partial<ManagedSyncClientOptions> = {}) {
  return new ManagedSyncClient({
    baseUrl: emu.url,
    auth: { signingKey: keys.pkcs8, projectId: PROJECT, userId: "northwind" },
    retry: { retries: 8, baseDelayMs: 1, maxDelayMs: 10 },
    ...options,
  });
}

async function pullAll(c: ManagedSyncClient, pageSize: number, cursor?: string) {
  const records: SyncedRecord[] = [];
  let last = cursor;
  for await (const page of c.records.pages(syncId, { pageSize, ...(cursor ? { cursor } : {}) })) {
    records.push(...page.records);
    last = page.cursor;
  }
  return { records, cursor: last };
}

beforeAll(async () => {
  keys = rsaKeyPair();
  emu = await startEmulator({ corpus: corpus(), signingKey: keys.pkcs8 });
  const [sync] = await client().syncs.list();
  syncId = sync?.id ?? "";
});

afterAll(async () => {
  await emu?.close();
});

beforeEach(() => {
  emu.faults.set({});
});

describe("client against the emulator", () => {
  it("authenticates with a token it minted and reads the sync's status", async () => {
    const c = client();
    const syncs = await c.syncs.list();
    expect(syncs).toHaveLength(1);
    expect(syncs[0]).toMatchObject({ integration: "googledrive", pipeline: "files" });
    const status = await c.syncs.get(syncId);
    expect(["IDLE", "ACTIVE", "INITIALIZING"]).toContain(status.status);
  });

  it("pulls every record once across pages, resumes from a cursor, and reads records and content", async () => {
    const c = client();
    const { records } = await pullAll(c, 7);
    const ids = records.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    const files = records.map((r) => parseRecord("files", r)).filter((r) => !isFolder(r));
    expect(files).toHaveLength(FILES);
    expect(records.length - files.length).toBeGreaterThanOrEqual(4); // the folders

    let firstHalf: SyncedRecord[] = [];
    let saved: string | undefined;
    for await (const page of c.records.pages(syncId, { pageSize: 10 })) {
      firstHalf = [...firstHalf, ...page.records];
      saved = page.cursor;
      if (firstHalf.length >= 30) break;
    }
    const rest = await pullAll(c, 10, saved);
    expect([...firstHalf, ...rest.records].map((r) => r.id)).toEqual(ids);

    const file = files.find((f) => f.name === "doc-005.txt") as FileRecord;
    expect(await c.records.get(syncId, file.id)).toMatchObject({ id: file.id, name: "doc-005.txt" });
    const content = await c.records.contentBytes(syncId, file.id, { maxBytes: 1_000 });
    expect(new TextDecoder().decode(content.bytes)).toBe("document 5\n");
    expect(content.mimeType).toBe("text/plain");
    await expect(c.records.contentBytes(syncId, file.id, { maxBytes: 3 })).rejects.toMatchObject({
      code: "CONTENT_TOO_LARGE",
    });
  });

  it("loses and duplicates nothing through injected 429, 503, slow and cut-off responses", async () => {
    const clean = (await pullAll(client(), 9)).records.map((r) => r.id);
    emu.faults.set({
      rate429: 0.15,
      retryAfterSeconds: 0,
      rate503: 0.15,
      rateSlow: 0.05,
      slowMs: 600,
      rateCut: 0.1,
      seed: 3,
    });
    const retries: RetryEvent[] = [];
    const faulty = client({ timeoutMs: 300, onRetry: (event) => retries.push(event) });
    const pulled = (await pullAll(faulty, 9)).records.map((r) => r.id);
    expect(pulled).toEqual(clean);
    const kinds = new Set(retries.map((r) => r.error.code));
    expect(kinds.has("RATE_LIMITED") || kinds.has("SERVER_ERROR")).toBe(true);
    expect(emu.faults.counts["429"] + emu.faults.counts["503"] + emu.faults.counts.cut).toBeGreaterThan(0);
  });

  it("gets a typed 401 for a token with the wrong aud", async () => {
    const wrong = client({
      auth: { signingKey: keys.pkcs8, projectId: "another-project", userId: "northwind" },
    });
    const error = await wrong.syncs.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManagedSyncHttpError);
    expect(error).toMatchObject({ code: "UNAUTHORIZED", status: 401 });
  });
});
