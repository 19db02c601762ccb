import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BatchedEmbeddings, HashingEmbeddings } from "../../src/embeddings/index.js";
import { type Emulator, recordIdFor, startEmulator } from "../../src/emulator/index.js";
import { zipArchive } from "../../src/emulator/server/zip-archive.js";
import { limitsOf } from "../../src/ingest/failures.js";
import { type IngestOptions, ingest } from "../../src/ingest/index.js";
import { resolveSettings } from "../../src/ingest/options.js";
import { ManagedSyncClient } from "../../src/managed-sync/index.js";
import { LanceChunkStore } from "../../src/store/index.js";
import { ANA, crmCorpus, OUTAGE_TICKET } from "../fixtures/crm-corpus.js";
import { recordText } from "../record-text.js";

// A ticket's Download Content is a ZIP archive (a Markdown file with its properties, description
// and comments, and attachments/), as Paragon documents it. The emulator serves it over HTTP on
// loopback; ingest writes to an on-disk LanceDB store.

const DIMENSIONS = 32;
const TENANT = "northwind";
const encode = (text: string) => new TextEncoder().encode(text);

describe("ingest of a ticket's content archive through the emulator", () => {
  let emu: Emulator;
  let client: ManagedSyncClient;
  let root: string;
  let store: LanceChunkStore;
  let tickets: string;
  let outage: string;
  let stores = 0;
  const embeddings = new BatchedEmbeddings(new HashingEmbeddings({ dimensions: DIMENSIONS }));
  const run = (options: Partial<IngestOptions> = {}) =>
    ingest({ client, store, embeddings, tenant: TENANT, syncs: [tickets], ...options });
  const textOf = (recordId: string) =>
    recordText(store, embeddings, { tenant: TENANT, syncId: tickets, recordId });

  beforeAll(async () => {
    emu = await startEmulator({ corpus: crmCorpus() });
    client = new ManagedSyncClient({
      baseUrl: emu.url,
      auth: { token: await emu.tokenFor(TENANT) },
      retry: { retries: 1, baseDelayMs: 5, maxDelayMs: 20 },
    });
    tickets = emu.state.syncsOf(TENANT).find((s) => s.pipeline === "tickets")!.id;
    outage = recordIdFor("servicenow", OUTAGE_TICKET);
    root = await mkdtemp(join(tmpdir(), "clearance-ticket-content-"));
  });
  // Each test starts from an empty store, so every ticket is read again.
  beforeEach(async () => {
    store = await LanceChunkStore.open({ dir: join(root, `store-${stores++}`), dimensions: DIMENSIONS });
  });
  afterEach(async () => {
    emu.malformed.setContent(tickets, outage, undefined);
    await store.close();
  });
  afterAll(async () => {
    await emu.close();
    await rm(root, { recursive: true, force: true });
  });

  it("indexes the comments of the archive's Markdown file and its text attachments: a search finds the ticket", async () => {
    const ticket = emu.state.createRecord(tickets, {
      title: "INC0012600: label printer jams on dock 3",
      status: { name: "New", type: "open" },
      priority: "high",
      type: "incident",
      assignees: [{ id: "u-ana", name: "Ana Lima", email: ANA }],
      comments: [
        {
          author: { name: "Ana Lima", email: ANA },
          body: "Replaced the thermal ribbon cartridge; jams continue.",
          createdAt: "2026-02-03T08:00:00.000Z",
        },
      ],
      attachments: [
        { name: "printer.log", content: "ERR 7731 platen sensor misaligned" },
        {
          name: "jam.png",
          content: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0]).toString("base64"),
          encoding: "base64",
        },
      ],
    });
    // The emulator serves what Paragon documents: this test reads a ZIP, not Markdown.
    const served = await fetch(`${emu.url}/api/syncs/${tickets}/records/${ticket.id}/content`, {
      headers: { Authorization: `Bearer ${await emu.tokenFor(TENANT)}` },
    });
    expect(served.headers.get("content-type")).toBe("application/zip");
    expect(
      Buffer.from(await served.arrayBuffer())
        .subarray(0, 2)
        .toString(),
    ).toBe("PK");

    const report = await run();
    expect(report.ok).toBe(true);
    expect(report.unindexable).toEqual([]);
    expect(report.contentUnread).toEqual([]);
    expect(report.counts).toMatchObject({ new: report.counts.seen, contentUnread: 0 });

    const text = await textOf(ticket.id);
    expect(text).toContain("Status: New (open)");
    expect(text).toContain("Replaced the thermal ribbon cartridge; jams continue.");
    expect(text).toContain("ERR 7731 platen sensor misaligned");
    expect(text).toMatch(/jam\.png \(not read: not a text file\)/);
    const query = await embeddings.embedQuery("thermal ribbon cartridge jams continue");
    const [best] = await store.search(query, { tenant: TENANT, syncIds: [tickets], limit: 3 });
    expect(best?.chunk.recordId).toBe(ticket.id);
    expect(await textOf(outage)).toContain("connection pool was exhausted");
    emu.state.deleteRecord(tickets, ticket.id);
  });

  it("indexes a ticket whose archive is corrupt from its fields, records why, and reads it again under new limits", async () => {
    const good = zipArchive([
      { name: "ticket.md", bytes: encode("# Outage\n\nthe connection pool was exhausted\n") },
    ]);
    emu.malformed.setContent(tickets, outage, good.subarray(0, good.byteLength - 30));

    const first = await run({ mode: "full" });
    expect(first.ok).toBe(true);
    expect(first.unindexable).toEqual([]);
    expect(first.counts).toMatchObject({ new: first.counts.seen, unindexable: 0, contentUnread: 1 });
    expect(first.contentUnread).toEqual([
      expect.objectContaining({
        recordId: outage,
        code: "MALFORMED",
        reason: expect.stringMatching(/indexed from its fields alone/),
      }),
    ]);
    const fields = await textOf(outage);
    expect(fields).toContain("INC0012345: checkout API outage on January 14");
    expect(fields).toContain("Status: Resolved (closed)");
    expect(fields).not.toContain("connection pool was exhausted");

    // The verdict lasts for this version under these limits: a full run does not read it again.
    const again = await run({ mode: "full" });
    expect(again.counts).toMatchObject({ unchanged: again.counts.seen, contentUnread: 0 });

    // Fixed at the source, and the limits raised: the ticket is read again, comments included.
    emu.malformed.setContent(tickets, outage, undefined);
    const raised = await run({ mode: "full", maxUncompressedBytes: 200 * 1024 * 1024 });
    expect(raised.counts).toMatchObject({ changed: 1, contentUnread: 0 });
    expect(await textOf(outage)).toContain("connection pool was exhausted");
  });

  it("keeps a ticket's fields and comments when its archive's text fits maxChars only without the fields", async () => {
    const maxChars = 8000;
    const body = "# Outage\n\nthe connection pool was exhausted\n";
    const heading = "## Attachment: pool.log\n\n";
    // The archive reader packs attachments up to maxChars: this one leaves ten characters, fewer
    // than the ticket's fields (title, status, people) that come before the content.
    const room = maxChars - body.length - 2 - heading.length - 10;
    const log = "ERR 4410 pool exhausted, 64 of 64 connections busy\n".repeat(room).slice(0, room - 1);
    emu.malformed.setContent(
      tickets,
      outage,
      zipArchive([
        { name: "ticket.md", bytes: encode(body) },
        { name: "attachments/pool.log", bytes: encode(`${log}.`) },
      ]),
    );

    const report = await run({ maxChars });
    expect(report.ok).toBe(true);
    // The ticket is indexed: its fields and its Markdown file, the attachment named (no room left).
    expect(report.unindexable).toEqual([]);
    const text = await textOf(outage);
    expect(text).toContain("INC0012345: checkout API outage on January 14");
    expect(text).toContain("the connection pool was exhausted");
    expect(text).toMatch(/pool\.log \(not read: over the characters left/);
  });

  it("indexes a ticket whose archive is a zip bomb from its fields and records ZIP_BOMB", async () => {
    // Four MB of zeros deflate to a few KB: far past a 1 MB inflation limit.
    const bomb = zipArchive([
      { name: "ticket.md", bytes: encode("# Outage\n\nthe connection pool was exhausted\n") },
      { name: "attachments/zeros.txt", bytes: new Uint8Array(4 * 1024 * 1024) },
    ]);
    expect(bomb.byteLength).toBeLessThan(64 * 1024);
    emu.malformed.setContent(tickets, outage, bomb);

    const report = await run({ maxUncompressedBytes: 1024 * 1024 });
    expect(report.ok).toBe(true);
    expect(report.contentUnread).toEqual([expect.objectContaining({ recordId: outage, code: "ZIP_BOMB" })]);
    expect(report.counts).toMatchObject({ unindexable: 0, contentUnread: 1 });
    const fields = await textOf(outage);
    expect(fields).toContain("Status: Resolved (closed)");
    expect(fields).not.toContain("connection pool was exhausted");
  });

  it("reads once more a ticket judged unindexable when its content was read as Markdown (an upgrade)", async () => {
    // Indexed first without its comments, then judged as the Markdown reading judged every ticket
    // with content: MALFORMED, under the limits without the tickets sync's marker.
    emu.malformed.setContent(
      tickets,
      outage,
      zipArchive([{ name: "ticket.md", bytes: encode("# Outage\n") }]),
    );
    await run();
    const stored = (await store.getRecordVersions(TENANT, tickets, [outage])).get(outage);
    expect(stored).toBeDefined();
    const settings = resolveSettings({ client, store, embeddings, tenant: TENANT });
    const bareLimits = limitsOf(settings);
    expect(bareLimits).not.toBe(limitsOf(settings, "tickets"));
    await store.putRecordVersions([
      {
        ...stored!,
        contentHash: "(unindexed)",
        chunkCount: 0,
        unindexable: { code: "MALFORMED", reason: "holds binary data", limits: bareLimits },
      },
    ]);

    emu.malformed.setContent(tickets, outage, undefined);
    const upgraded = await run({ mode: "full" });
    expect(upgraded.unindexable).toEqual([]);
    expect(await textOf(outage)).toContain("connection pool was exhausted");
  });

  it("still reads a plain Markdown body (an older emulator, another server)", async () => {
    const markdown =
      "# INC0012345\n\n## Comments\n\n**Leo Park** (2026-01-14): the connection pool was exhausted\n";
    emu.malformed.setContent(tickets, outage, encode(markdown), "text/markdown; charset=utf-8");

    const report = await run();
    expect(report.ok).toBe(true);
    expect(report.contentUnread).toEqual([]);
    expect(await textOf(outage)).toContain("the connection pool was exhausted");
  });
});
