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
  DIMENSIONS,
  fullIngest,
  OTHER_TENANT,
  snapshot,
  TENANT,
  tempDir,
  twoTenantCorpus,
} from "./harness.js";

const CHILD = join(import.meta.dirname, "crash-child.ts");

interface Receiver {
  child: ChildProcess;
  url: string;
  output: () => string;
}

function spawnReceiver(args: object): { child: ChildProcess; output: () => string; ready: Promise<string> } {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, JSON.stringify(args)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stderr?.on("data", (d) => {
    output += String(d);
  });
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout?.on("data", (d) => {
      output += String(d);
      const match = /READY (\S+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.once("exit", (code) =>
      reject(new Error(`receiver exited (${code}) before it was ready:\n${output}`)),
    );
  });
  ready.catch(() => undefined);
  return { child, output: () => output, ready };
}

async function startReceiver(args: object): Promise<Receiver> {
  const { child, output, ready } = spawnReceiver(args);
  return { child, url: await ready, output };
}

async function health(receiver: Receiver): Promise<WebhookMetrics> {
  return (await (await fetch(`${receiver.url}/health`)).json()) as WebhookMetrics;
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
}

/**
 * Real processes over one spool and one store, two tenants' events in flight: a second consumer
 * refuses to start (so it can neither dead-letter nor steal what the first accepted), and the first
 * SIGKILLed mid-queue and replaced loses nothing of either tenant.
 */
describe("several processes, one spool, two tenants: nothing accepted is lost", () => {
  let emulator: Emulator;
  const clients = new Map<string, ManagedSyncClient>();
  let spoolDir: string;
  let storeDir: string;
  let args: {
    emulatorUrl: string;
    tokens: Record<string, string>;
    spoolDir: string;
    storeDir: string;
    embedDelayMs: number;
  };
  let first: Receiver;
  const syncIdsOf = (tenant: string) => emulator.state.syncsOf(tenant).map((s) => s.id);
  const driveOf = (tenant: string) =>
    emulator.state.syncsOf(tenant).find((s) => s.integration === "googledrive")!.id;

  beforeAll(async () => {
    const extra: Record<string, string> = {};
    for (let i = 0; i < 20; i++)
      extra[`drive/Notes/Note ${i}.md`] = `# Note ${i}\n\nMeeting notes number ${i}.\n`;
    emulator = await startEmulator({ corpus: twoTenantCorpus(extra), port: 0 });
    spoolDir = await tempDir("crash-spool");
    storeDir = await tempDir("crash-store");
    // The store starts as a cron run left it; from here on only webhooks change it.
    const store = await LanceChunkStore.open({ dir: storeDir, dimensions: DIMENSIONS });
    for (const tenant of [TENANT, OTHER_TENANT]) {
      clients.set(tenant, await clientFor(emulator, tenant));
      expect((await fullIngest(clients.get(tenant)!, store, tenant)).ok).toBe(true);
    }
    await store.close();
    args = {
      emulatorUrl: emulator.url,
      tokens: {
        [TENANT]: await emulator.tokenFor(TENANT),
        [OTHER_TENANT]: await emulator.tokenFor(OTHER_TENANT),
      },
      spoolDir,
      storeDir,
      embedDelayMs: 40,
    };
  });

  afterAll(async () => {
    if (first && first.child.exitCode === null && first.child.signalCode === null)
      first.child.kill("SIGKILL");
    await emulator?.close();
    await rm(spoolDir, { recursive: true, force: true });
    await rm(storeDir, { recursive: true, force: true });
  });

  it("a second consumer of the same spool refuses to start, naming the first", async () => {
    first = await startReceiver(args);
    // Another all-tenant process, and the old per-tenant layout (one process per Connected User
    // sharing the default spool): both refused, so neither can dead-letter the other's events.
    for (const tokens of [args.tokens, { [OTHER_TENANT]: args.tokens[OTHER_TENANT]! }]) {
      const second = spawnReceiver({ ...args, tokens });
      expect(await exited(second.child)).toMatchObject({ code: 3 });
      expect(second.output()).toMatch(
        new RegExp(
          `REFUSED WEBHOOK_SPOOL_LOCKED: the webhook spool .* is in use by process ${first.child.pid} `,
        ),
      );
    }
    expect((await health(first)).deadLettered).toBe(0);
  });

  it("SIGKILLed mid-queue with both tenants' events pending, a new process takes over and ends equal to a clean ingest", async () => {
    const sender = new WebhookSender({
      state: emulator.state,
      url: `${first.url}/hooks?secret=s3cret`,
      attempts: 200,
      maxDelayMs: 500,
    });
    const bytes = (s: string) => new TextEncoder().encode(s);
    const northwind = driveOf(TENANT);
    const contoso = driveOf(OTHER_TENANT);

    // Record events only (no sync_complete), so each file reaches the store through its own event.
    for (let i = 0; i < 20; i++)
      emulator.state.putFile(northwind, `Notes/Note ${i}.md`, bytes(`Edited note ${i}.\n`));
    for (let i = 0; i < 8; i++) {
      emulator.state.putFile(northwind, `New/File ${i}.md`, bytes(`New file ${i}.\n`));
      emulator.state.putFile(contoso, `New/File ${i}.md`, bytes(`Contoso new file ${i}.\n`));
    }
    for (let i = 0; i < 4; i++) emulator.state.remove(northwind, `Notes/Note ${i}.md`);
    emulator.state.remove(contoso, "HR/Handbook.md");

    let atKill: WebhookMetrics;
    for (;;) {
      atKill = await health(first);
      if (atKill.processed > 0 && atKill.pending > 5 && atKill.pendingTenants >= 2) break;
      if (atKill.pending === 0 && atKill.processed > 0) throw new Error("the queue drained before the kill");
      await new Promise((r) => setTimeout(r, 5));
    }
    first.child.kill("SIGKILL");
    expect(await exited(first.child)).toMatchObject({ signal: "SIGKILL" });

    // Changes while no receiver listens: the sender keeps retrying until the new one is up.
    emulator.state.putFile(northwind, "Late/While down.md", bytes("Written while the receiver was down.\n"));
    emulator.state.putFile(contoso, "Late/While down.md", bytes("Contoso, written while down.\n"));
    emulator.state.remove(northwind, "Notes/Note 19.md");
    // The dead process's lock names a pid that no longer runs: the new one takes over at once.
    const second = await startReceiver(args);
    const recovered = await health(second);
    // Everything accepted and not finished before the kill is back in the queue, both tenants' too.
    expect(recovered.pending).toBeGreaterThan(0);
    sender.setUrl(`${second.url}/hooks?secret=s3cret`);
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
      `crash: at kill ${atKill.processed} processed / ${atKill.pending} pending (${atKill.pendingTenants} tenants pending); ` +
        `after restart ${recovered.pending} pending recovered (${recovered.pendingTenants} tenants)`,
    );

    const store = await LanceChunkStore.open({ dir: storeDir, dimensions: DIMENSIONS });
    try {
      for (const tenant of [TENANT, OTHER_TENANT]) {
        const ids = syncIdsOf(tenant);
        expect(await snapshot(store, ids, tenant)).toEqual(
          await cleanSnapshotOf(clients.get(tenant)!, ids, tenant),
        );
      }
    } finally {
      await store.close();
    }
  });
});
