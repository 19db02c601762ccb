import { type ChildProcess, spawn } from "node:child_process";
import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator, WebhookSender } from "../../src/emulator/index.js";
import type { ManagedSyncClient } from "../../src/managed-sync/index.js";
import { LanceChunkStore } from "../../src/store/index.js";
import type { WebhookMetrics } from "../../src/webhooks/index.js";
import {
  cleanSnapshotOf,
  clientFor,
  corpus,
  DIMENSIONS,
  fullIngest,
  snapshot,
  TENANT,
  tempDir,
} from "./harness.js";

const CHILD = join(import.meta.dirname, "crash-child.ts");

interface Receiver {
  child: ChildProcess;
  url: string;
  output: () => string;
}

async function startReceiver(args: object): Promise<Receiver> {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, JSON.stringify(args)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stderr?.on("data", (d) => {
    output += String(d);
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on("data", (d) => {
      output += String(d);
      const match = /READY (\S+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.once("exit", (code) =>
      reject(new Error(`receiver exited (${code}) before it was ready:\n${output}`)),
    );
  });
  return { child, url, output: () => output };
}

async function health(receiver: Receiver): Promise<WebhookMetrics> {
  return (await (await fetch(`${receiver.url}/health`)).json()) as WebhookMetrics;
}

function exited(child: ChildProcess): Promise<NodeJS.Signals | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.signalCode);
  return new Promise((resolve) => child.once("exit", (_code, signal) => resolve(signal)));
}

describe("crash safety: the receiver SIGKILLed mid-queue and restarted loses nothing", () => {
  let emulator: Emulator;
  let client: ManagedSyncClient;
  let spoolDir: string;
  let storeDir: string;

  beforeAll(async () => {
    const extra: Record<string, string> = {};
    for (let i = 0; i < 30; i++)
      extra[`drive/Notes/Note ${i}.md`] = `# Note ${i}\n\nMeeting notes number ${i}.\n`;
    emulator = await startEmulator({ corpus: corpus(extra), port: 0 });
    client = await clientFor(emulator);
    spoolDir = await tempDir("crash-spool");
    storeDir = await tempDir("crash-store");
    // The store starts as a cron run left it; from here on only webhooks change it.
    const store = await LanceChunkStore.open({ dir: storeDir, dimensions: DIMENSIONS });
    expect((await fullIngest(client, store)).ok).toBe(true);
    await store.close();
  });

  afterAll(async () => {
    await emulator?.close();
    await rm(spoolDir, { recursive: true, force: true });
    await rm(storeDir, { recursive: true, force: true });
  });

  it("picks up every accepted event after a restart and ends equal to a clean full ingest", async () => {
    const args = {
      emulatorUrl: emulator.url,
      token: await emulator.tokenFor(TENANT),
      spoolDir,
      storeDir,
      embedDelayMs: 40,
    };
    const first = await startReceiver(args);
    const sender = new WebhookSender({
      state: emulator.state,
      url: `${first.url}/hooks`,
      attempts: 30,
      maxDelayMs: 500,
    });
    const syncs = await client.syncs.list();
    const drive = syncs.find((s) => s.integration === "googledrive")!.id;
    const bytes = (s: string) => new TextEncoder().encode(s);

    // Record events only (no sync_complete), so each file reaches the store through its own event.
    for (let i = 0; i < 30; i++)
      emulator.state.putFile(drive, `Notes/Note ${i}.md`, bytes(`Edited note ${i}.\n`));
    for (let i = 0; i < 10; i++) emulator.state.putFile(drive, `New/File ${i}.md`, bytes(`New file ${i}.\n`));
    for (let i = 0; i < 5; i++) emulator.state.remove(drive, `Notes/Note ${i}.md`);

    let atKill: WebhookMetrics;
    for (;;) {
      atKill = await health(first);
      if (atKill.processed > 0 && atKill.pending > 5) break;
      if (atKill.pending === 0 && atKill.processed > 0) throw new Error("the queue drained before the kill");
      await new Promise((r) => setTimeout(r, 5));
    }
    first.child.kill("SIGKILL");
    expect(await exited(first.child)).toBe("SIGKILL");

    // Changes while no receiver listens: the sender keeps retrying until the new one is up.
    emulator.state.putFile(drive, "Late/While down.md", bytes("Written while the receiver was down.\n"));
    emulator.state.remove(drive, "Notes/Note 29.md");
    const second = await startReceiver(args);
    const recovered = await health(second);
    // Everything accepted and not finished before the kill is back in the queue.
    expect(recovered.pending).toBeGreaterThan(0);
    sender.setUrl(`${second.url}/hooks`);
    await sender.idle();
    for (;;) {
      const m = await health(second);
      if (m.pending === 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const final = await health(second);
    second.child.kill("SIGTERM");
    await exited(second.child);
    sender.close();

    expect(sender.stats().failed).toBe(0);
    expect(final.received).toBeGreaterThan(0);
    expect(final.deadLettered).toBe(0);
    expect(await readdir(join(spoolDir, "dead"))).toEqual([]);
    console.log(
      `crash: at kill ${atKill.processed} processed / ${atKill.pending} pending; after restart ${recovered.pending} pending recovered`,
    );

    const store = await LanceChunkStore.open({ dir: storeDir, dimensions: DIMENSIONS });
    try {
      const ids = syncs.map((s) => s.id);
      expect(await snapshot(store, ids)).toEqual(await cleanSnapshotOf(client, ids));
    } finally {
      await store.close();
    }
  });
});
