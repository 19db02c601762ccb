import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import express from "express";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { toNodeHandler } from "../../src/chat/index.js";
import {
  createWebhookReceiver,
  SpoolQueue,
  startWebhookIngest,
  type WebhookNotice,
  type WebhookReceiver,
} from "../../src/webhooks/index.js";
import { laneName } from "../../src/webhooks/spool-lane.js";
import { tempDir } from "./harness.js";

const record = (event: string, recordId = "r1") => ({
  event,
  sync: "googledrive",
  syncInstanceId: "sync-1",
  user: { id: "northwind" },
  data: { recordId, model: "files" },
});

describe("webhook receiver", () => {
  let dir: string;
  let queue: SpoolQueue;
  let receiver: WebhookReceiver;
  const notices: WebhookNotice[] = [];

  beforeEach(async () => {
    dir = await tempDir("receiver");
    queue = await SpoolQueue.open({ dir });
    notices.length = 0;
    receiver = createWebhookReceiver({ queue, secret: "s3cret", onNotice: (n) => notices.push(n) });
  });

  afterEach(async () => {
    await queue.close();
    await rm(dir, { recursive: true, force: true });
  });

  const post = (body: unknown, { secret = "s3cret", raw = false } = {}) =>
    receiver.handler(
      new Request(`http://hooks.test/webhooks?secret=${secret}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: raw ? (body as string) : JSON.stringify(body),
      }),
    );

  it("answers the verification probe with 200 and queues nothing", async () => {
    const response = await post({ event: "webhook_verification" });
    expect(response.status).toBe(200);
    expect(receiver.metrics()).toMatchObject({ verifications: 1, pending: 0, accepted: 0 });
  });

  it("checks the secret from the query or the header, in constant time", async () => {
    expect((await post(record("record_updated"), { secret: "wrong" })).status).toBe(401);
    const viaHeader = await receiver.handler(
      new Request("http://hooks.test/webhooks", {
        method: "POST",
        headers: { "x-clearance-webhook-secret": "s3cret" },
        body: JSON.stringify(record("record_updated")),
      }),
    );
    expect(viaHeader.status).toBe(202);
    expect(receiver.metrics()).toMatchObject({ unauthorized: 1, accepted: 1, pending: 1 });
    expect(notices).toContainEqual({ type: "unauthorized" });
  });

  it("refuses to exist without a secret unless the insecure opt-out is explicit", async () => {
    expect(() => createWebhookReceiver({ queue })).toThrow(
      expect.objectContaining({ code: "WEBHOOK_SECRET_REQUIRED" }),
    );
    expect(() => createWebhookReceiver({ queue, secret: "" })).toThrow(/needs a secret/);
    const spoolDir = join(dir, "never-created");
    await expect(
      startWebhookIngest({
        spoolDir,
        store: {} as never,
        embeddings: {} as never,
        clientFor: () => {
          throw new Error("unused");
        },
      }),
    ).rejects.toMatchObject({ code: "WEBHOOK_SECRET_REQUIRED" });
    await expect(readdir(spoolDir)).rejects.toMatchObject({ code: "ENOENT" });

    const open = createWebhookReceiver({ queue, insecureNoSecret: true });
    const response = await open.handler(
      new Request("http://hooks.test/webhooks", {
        method: "POST",
        body: JSON.stringify(record("record_updated")),
      }),
    );
    expect(response.status).toBe(202);
  });

  it("persists a record event before answering 202, and absorbs a duplicate while it is pending", async () => {
    const first = await post(record("record_created"));
    expect(first.status).toBe(202);
    expect(await first.json()).toEqual({ queued: "accepted" });
    // Durable: on disk, in the tenant's lane, before the 202.
    expect(await readdir(join(dir, "pending", laneName("northwind")))).toHaveLength(1);
    expect(await (await post(record("record_created"))).json()).toEqual({ queued: "duplicate" });
    // Another event for the same record is its own piece of work.
    expect(await (await post(record("record_deleted"))).json()).toEqual({ queued: "accepted" });
    expect(receiver.metrics()).toMatchObject({ received: 3, accepted: 2, duplicates: 1, pending: 2 });
  });

  it("queues an event again once its twin is being processed (the later state must be fetched)", async () => {
    await post(record("record_updated"));
    const claimed = await queue.claim(10);
    expect(claimed).toHaveLength(1);
    expect(await (await post(record("record_updated"))).json()).toEqual({ queued: "accepted" });
    await queue.complete(claimed[0]!);
    expect(queue.stats()).toMatchObject({ pending: 1, processed: 1 });
  });

  it("takes the snake_case payload variant", async () => {
    const response = await post({
      event: "record_updated",
      sync: "googledrive",
      sync_instance_id: "sync-1",
      user: { id: "northwind" },
      data: { record_id: "r9", model: "files" },
      credential_id: "cred",
    });
    expect(response.status).toBe(202);
    const [item] = await queue.claim(1);
    expect(item?.item).toMatchObject({
      kind: "record",
      syncId: "sync-1",
      recordId: "r9",
      tenant: "northwind",
    });
    const sync = await post({
      event: "sync_complete",
      sync: "googledrive",
      syncInstanceId: "sync-1",
      user: { id: "northwind" },
      data: { model: "files", synced_at: "2026-01-01T00:00:00Z", num_records: 3 },
    });
    expect(sync.status).toBe(202);
    const [pull] = await queue.claim(1);
    expect(pull?.item).toMatchObject({ kind: "sync", event: "sync_complete", syncId: "sync-1" });
  });

  it("answers unknown and errored events 202 without queueing work, and counts them", async () => {
    expect((await post({ event: "record_exploded", syncInstanceId: "s" })).status).toBe(202);
    const errored = await post({
      event: "record_errored",
      syncInstanceId: "sync-1",
      user: { id: "northwind" },
      error: { message: "download failed", recordId: "r1", model: "files" },
    });
    expect(errored.status).toBe(202);
    expect(receiver.metrics()).toMatchObject({ ignored: 1, erroredNotices: 1, pending: 0 });
    expect(notices).toContainEqual({ type: "unknown_event", event: "record_exploded" });
    expect(notices).toContainEqual({ type: "record_errored", syncId: "sync-1", message: "download failed" });
  });

  it("refuses bad bodies with 400/405/413 and a reason", async () => {
    expect((await post("{not json", { raw: true })).status).toBe(400);
    const missing = await post({ event: "record_updated", syncInstanceId: "s", user: { id: "u" }, data: {} });
    expect(missing.status).toBe(400);
    expect((await missing.json()).error).toMatch(/data.recordId/);
    expect((await post({ event: "record_updated", user: { id: "u" }, data: { recordId: "r" } })).status).toBe(
      400,
    );
    expect((await post({ event: "x".repeat(70_000) })).status).toBe(413);
    const get = await receiver.handler(new Request("http://hooks.test/webhooks?secret=s3cret"));
    expect(get.status).toBe(405);
    expect(receiver.metrics()).toMatchObject({ invalid: 5, pending: 0 });
  });

  it("serves Express through the Node adapter, behind express.json() or not", async () => {
    for (const parsed of [false, true]) {
      const app = express();
      if (parsed) app.use(express.json());
      app.post("/hooks", toNodeHandler(receiver.handler));
      const server = app.listen(0, "127.0.0.1");
      await new Promise((r) => server.once("listening", r));
      const { port } = server.address() as { port: number };
      const response = await fetch(`http://127.0.0.1:${port}/hooks?secret=s3cret`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(record("record_updated", `express-${parsed}`)),
      });
      expect(response.status).toBe(202);
      await new Promise((r) => server.close(r));
    }
    expect(receiver.metrics().accepted).toBe(2);
  });
});

describe("webhook receiver over a queue that cannot persist", () => {
  it("answers 503 so the sender redelivers, and counts it", async () => {
    const dir = await tempDir("receiver-broken");
    const queue = await SpoolQueue.open({ dir });
    await rm(dir, { recursive: true, force: true });
    const receiver = createWebhookReceiver({ queue, insecureNoSecret: true });
    const response = await receiver.handler(
      new Request("http://hooks.test/webhooks", {
        method: "POST",
        body: JSON.stringify({
          event: "record_updated",
          syncInstanceId: "s",
          user: { id: "u" },
          data: { recordId: "r" },
        }),
      }),
    );
    expect(response.status).toBe(503);
    expect(receiver.metrics()).toMatchObject({ unavailable: 1, accepted: 0, pending: 0 });
    await queue.close();
    // Closing gives the spool lock up, which writes into the folder again: remove what is left.
    await rm(dir, { recursive: true, force: true });
  });
});
