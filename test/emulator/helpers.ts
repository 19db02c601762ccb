import yauzl from "yauzl";
import type { CorpusSpec, Emulator, ManifestInput } from "../../src/emulator/index.js";

// biome-ignore lint/suspicious/noExplicitAny: tests read response JSON loosely and assert on its shape
export type Json = any;

export const PROJECT_ID = "11111111-2222-4333-8444-555555555555";

/** A small two-user manifest used across the emulator tests. */
export function smallManifest(): ManifestInput {
  return {
    version: 1,
    project: { id: PROJECT_ID },
    domain: "northwind.test",
    people: [
      { email: "maya@northwind.test", name: "Maya" },
      { email: "leo@northwind.test", name: "Leo" },
      { email: "ana@northwind.test", name: "Ana" },
    ],
    groups: [
      { id: "engineering", members: ["leo@northwind.test", "group:platform"] },
      { id: "platform", members: ["ana@northwind.test"] },
    ],
    connectedUsers: [
      {
        id: "northwind",
        syncs: [
          { integration: "googledrive", pipeline: "files", root: "drive", owner: "maya@northwind.test" },
        ],
      },
      {
        id: "other-co",
        syncs: [
          { integration: "googledrive", pipeline: "files", root: "other", owner: "ana@northwind.test" },
        ],
      },
    ],
    sharing: {
      "drive/Engineering/": {
        owner: "leo@northwind.test",
        grants: [{ group: "engineering", role: "writer" }],
      },
      "drive/Company/Handbook.md": { grants: [{ domain: "northwind.test", role: "reader" }] },
    },
  };
}

/** The small corpus: a few text files in folders, one binary, and another tenant's drive. */
export function smallCorpus(extraFiles: Record<string, string | Uint8Array> = {}): CorpusSpec {
  return {
    manifest: smallManifest(),
    files: {
      "drive/Engineering/Architecture.md": "# Architecture\nServices talk over HTTP.\n",
      "drive/Engineering/Runbooks/oncall.txt": "Page the on-call engineer.\n",
      "drive/Company/Handbook.md": "# Handbook\nVacation policy.\n",
      "drive/HR/Salaries.csv": "name,salary\nmaya,1\n",
      "drive/logo.png": new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]),
      "other/Secret.md": "other tenant's secret\n",
      ...extraFiles,
    },
  };
}

/** A drive with `count` files spread over folders of 100, all in memory. */
export function bigCorpus(count: number): CorpusSpec {
  const files: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    files[`drive/f${String(Math.floor(i / 100)).padStart(3, "0")}/doc-${String(i).padStart(6, "0")}.txt`] =
      `doc ${i}`;
  }
  const manifest = smallManifest();
  manifest.sharing = {};
  return { manifest, files: { ...files, "other/x.md": "x" } };
}

/** fetch against the emulator with a bearer token; returns status, parsed JSON (when JSON) and headers. */
export async function call(
  emu: Emulator,
  token: string | undefined,
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; body: Json; headers: Headers }> {
  const headers = new Headers(init.headers);
  if (token) headers.set("Authorization", `Bearer ${token}`);
  if (init.body && !headers.has("Content-Type")) headers.set("Content-Type", "application/json");
  const response = await fetch(`${emu.url}${path}`, { ...init, headers });
  const text = await response.text();
  let body: unknown = text;
  if (response.headers.get("content-type")?.includes("json")) body = JSON.parse(text);
  return { status: response.status, body, headers: response.headers };
}

/** Calls the admin API with the emulator's admin token. */
export function admin(emu: Emulator, path: string, init: RequestInit = {}) {
  return call(emu, emu.adminToken, `/__admin${path}`, init);
}

/** The id of a tenant's only googledrive sync. */
export function syncOf(emu: Emulator, tenant: string): string {
  const sync = emu.state.syncsOf(tenant)[0];
  if (!sync) throw new Error(`no sync for ${tenant}`);
  return sync.id;
}

/** Pulls every page from `cursor` on, returning the records and the last cursor. */
export async function pullAll(
  emu: Emulator,
  token: string,
  syncId: string,
  options: { cursor?: string; pageSize?: number } = {},
): Promise<{ records: Json[]; cursor: string | undefined; pages: number }> {
  const records: Json[] = [];
  let cursor = options.cursor;
  let pages = 0;
  for (;;) {
    const query = new URLSearchParams({ pageSize: String(options.pageSize ?? 100) });
    if (cursor) query.set("cursor", cursor);
    const { status, body } = await call(emu, token, `/api/syncs/${syncId}/records?${query}`);
    if (status !== 200) throw new Error(`pull failed: ${status} ${JSON.stringify(body)}`);
    pages++;
    records.push(...body.data);
    cursor = body.paging.cursor;
    if (body.data.length === 0 || body.paging.remainingRecords === 0) return { records, cursor, pages };
  }
}

/**
 * Downloads a record's content and unzips it (a ticket's content is a ZIP archive): each file's
 * path in the archive with its bytes. Read with yauzl directly, not with the ingest's reader.
 */
export async function ticketArchive(
  emu: Emulator,
  token: string,
  path: string,
): Promise<{ status: number; type: string | null; files: Map<string, Buffer> }> {
  const response = await fetch(`${emu.url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  const files = new Map<string, Buffer>();
  if (response.status !== 200)
    return { status: response.status, type: response.headers.get("content-type"), files };
  const zip = await yauzl.fromBufferPromise(Buffer.from(await response.arrayBuffer()), { lazyEntries: true });
  for await (const entry of zip.eachEntry()) {
    const chunks: Buffer[] = [];
    for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
    files.set(entry.fileName, Buffer.concat(chunks));
  }
  zip.close();
  return { status: response.status, type: response.headers.get("content-type"), files };
}
