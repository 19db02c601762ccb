import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type Emulator,
  startEmulator,
  type WebhookPayload,
  WebhookSender,
  webhookAdminRoutes,
} from "../../src/emulator/index.js";
import { corpus, serve, TENANT } from "./harness.js";

/** A loopback endpoint that records what it is sent and answers with the scripted statuses first. */
async function endpoint(script: number[] = []) {
  const bodies: WebhookPayload[] = [];
  let calls = 0;
  const server = await serve((app) =>
    app.post("/hooks", async (c) => {
      calls++;
      const status = script.shift() ?? 200;
      if (status < 300) bodies.push(await c.req.json());
      return c.json({}, status as 200);
    }),
  );
  return { url: `${server.url}/hooks`, bodies, calls: () => calls, close: server.close };
}

describe("emulator webhook sender", () => {
  let emulator: Emulator;
  let drive: string;
  const bytes = (s: string) => new TextEncoder().encode(s);

  beforeEach(async () => {
    emulator = await startEmulator({ corpus: corpus(), port: 0 });
    drive = emulator.state.syncsOf(TENANT).find((s) => s.integration === "googledrive")!.id;
  });

  afterEach(async () => {
    await emulator.close();
  });

  it("sends the documented payloads for file changes, and sync_complete for the initial syncs", async () => {
    const hook = await endpoint();
    const sender = new WebhookSender({ state: emulator.state, url: hook.url });
    sender.announceSyncs("2026-01-01T00:00:00.000Z");
    await sender.idle();
    const created = emulator.state.putFile(drive, "Engineering/New.md", bytes("new"));
    emulator.state.putFile(drive, "Engineering/New.md", bytes("newer"));
    emulator.state.remove(drive, "Engineering/New.md");
    await sender.idle();
    sender.close();
    await hook.close();

    const completes = hook.bodies.filter((b) => b.event === "sync_complete");
    expect(completes).toHaveLength(2);
    expect(completes).toContainEqual({
      event: "sync_complete",
      sync: "googledrive",
      syncInstanceId: drive,
      user: { id: TENANT },
      data: { model: "files", syncedAt: "2026-01-01T00:00:00.000Z", numRecords: expect.any(Number) },
    });
    const changes = hook.bodies.filter((b) => b.event !== "sync_complete");
    expect(changes).toEqual(
      ["record_created", "record_updated", "record_deleted"].map((event) => ({
        event,
        sync: "googledrive",
        syncInstanceId: drive,
        user: { id: TENANT },
        data: { recordId: created.id, model: "files" },
      })),
    );
  });

  it("announces a sharing change as record_updated for every record below the node", async () => {
    const hook = await endpoint();
    const sender = new WebhookSender({ state: emulator.state, url: hook.url });
    emulator.state.share(drive, "Engineering", {
      principal: { type: "user", email: "leo@northwind.test" },
      role: "reader",
    });
    await sender.idle();
    sender.close();
    await hook.close();
    const below = ["Engineering", "Engineering/Architecture.md", "Engineering/Runbook.md"].map(
      (path) => emulator.state.nodeAt(drive, path).id,
    );
    expect(hook.bodies.every((b) => b.event === "record_updated")).toBe(true);
    expect(hook.bodies.map((b) => (b.event === "record_updated" ? b.data.recordId : "")).sort()).toEqual(
      below.sort(),
    );
  });

  it("retries 5xx and refused connections with backoff, gives up on a 4xx", async () => {
    const hook = await endpoint([503, 503]);
    const sender = new WebhookSender({
      state: emulator.state,
      url: hook.url,
      baseDelayMs: 5,
      maxDelayMs: 20,
    });
    emulator.state.putFile(drive, "a.md", bytes("a"));
    await sender.idle();
    expect(sender.stats()).toMatchObject({ delivered: 1, attempts: 3, failed: 0 });
    const refusing = await endpoint([400]);
    sender.setUrl(refusing.url);
    emulator.state.putFile(drive, "b.md", bytes("b"));
    await sender.idle();
    expect(sender.stats()).toMatchObject({ delivered: 1, attempts: 4, failed: 1 });
    // Nobody listening: each attempt is refused, then the delivery is given up.
    await refusing.close();
    sender.setUrl(refusing.url);
    emulator.state.putFile(drive, "c.md", bytes("c"));
    await sender.idle();
    expect(sender.stats()).toMatchObject({ failed: 2, attempts: 10 });
    sender.close();
    await hook.close();
  });

  it("duplicates and reorders deterministically for a seed, and drops events without a URL", async () => {
    const runs: string[][] = [];
    for (let run = 0; run < 2; run++) {
      const hook = await endpoint();
      const sender = new WebhookSender({
        state: emulator.state,
        url: hook.url,
        faults: { duplicateRate: 0.3, reorderWindow: 10, seed: 42 },
      });
      for (let i = 0; i < 10; i++) emulator.state.putFile(drive, `Run${run}/f${i}.md`, bytes(`${i}`));
      await sender.idle();
      const stats = sender.stats();
      sender.close();
      await hook.close();
      expect(hook.bodies).toHaveLength(stats.events + stats.duplicated);
      expect(stats.duplicated).toBeGreaterThan(0);
      // Names, not ids, so both runs compare: the order of the 11 events (folder + 10 files).
      const names = hook.bodies.map((b) => {
        const id = b.event === "sync_complete" || b.event === "webhook_verification" ? "" : b.data.recordId;
        const node = emulator.state
          .syncsOf(TENANT)
          .flatMap((s) => [...s.tree.nodes()])
          .find((n) => n.id === id);
        return `${b.event}:${node?.name.replace(/^Run\d/, "Run")}`;
      });
      // Deliveries run concurrently, so arrival order varies; which events are doubled does not.
      runs.push(names.sort());
    }
    expect(runs[0]).toEqual(runs[1]);
    expect(runs[0]).not.toEqual([...new Set(runs[0])]);

    const silent = new WebhookSender({ state: emulator.state });
    emulator.state.putFile(drive, "quiet.md", bytes("q"));
    expect(silent.stats()).toMatchObject({ events: 0, inFlight: 0 });
    silent.close();
  });

  it("is configured through its admin routes: URL, faults, probe, announce", async () => {
    const hook = await endpoint();
    const sender = new WebhookSender({ state: emulator.state });
    const admin = await serve((app) =>
      app.route("/__admin/webhook", webhookAdminRoutes(sender, "admin-token")),
    );
    const call = (method: string, path: string, body?: unknown, token = "admin-token") =>
      fetch(`${admin.url}/__admin/webhook${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    expect((await call("GET", "", undefined, "wrong")).status).toBe(401);
    expect((await call("PUT", "", { url: "not a url" })).status).toBe(400);
    const set = await call("PUT", "", { url: hook.url, faults: { duplicateRate: 0 } });
    expect(await set.json()).toMatchObject({ url: hook.url, faults: { duplicateRate: 0, reorderWindow: 1 } });
    expect((await call("POST", "/probe")).status).toBe(202);
    expect((await call("POST", "/announce")).status).toBe(202);
    await sender.idle();
    expect(hook.bodies.map((b) => b.event).sort()).toEqual([
      "sync_complete",
      "sync_complete",
      "webhook_verification",
    ]);
    expect(await (await call("PUT", "", { url: null })).json()).toMatchObject({ url: null });
    sender.close();
    await admin.close();
    await hook.close();
  });

  it("is part of startEmulator: webhookUrl announces the initial syncs, /__admin/webhook configures it", async () => {
    const hook = await endpoint();
    const emu = await startEmulator({ corpus: corpus(), port: 0, webhookUrl: hook.url });
    await emu.webhooks.idle();
    expect(hook.bodies.map((b) => b.event)).toEqual(["sync_complete", "sync_complete"]);
    const response = await fetch(`${emu.url}/__admin/webhook`, {
      method: "PUT",
      headers: { authorization: `Bearer ${emu.adminToken}`, "content-type": "application/json" },
      body: JSON.stringify({ faults: { duplicateRate: 1 } }),
    });
    expect(response.status).toBe(200);
    emu.state.putFile(emu.state.syncsOf(TENANT)[0]!.id, "x.md", bytes("x"));
    await emu.webhooks.idle();
    expect(hook.bodies.filter((b) => b.event === "record_created")).toHaveLength(2);
    const denied = await fetch(`${emu.url}/__admin/webhook`, {
      headers: { authorization: "Bearer nope-nope" },
    });
    expect(denied.status).toBe(401);
    await emu.close();
    await hook.close();
  });
});
