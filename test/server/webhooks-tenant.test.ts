import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServe } from "../../src/cli/commands/serve.js";
import { loadConfig } from "../../src/config/index.js";
import { type Demo, startDemo } from "../../src/demo/index.js";
import { CORPUS_DIR } from "./helpers/demo-server.js";

interface WebhookMetrics {
  processed: number;
  deadLettered: number;
}

/**
 * `clearance serve --webhooks`: events of a tenant it does not serve never reach the store, and the
 * receiver does not start without a secret unless the insecure opt-out is explicit.
 */
describe("serve --webhooks", () => {
  let demo: Demo;
  let dir: string;
  let configFile: string;
  let noSecretFile: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "clearance-webhooks-tenant-"));
    demo = await startDemo({ corpusDir: CORPUS_DIR, storeDir: join(dir, "store") });
    const base = [
      "tenant: northwind",
      "managedSync:",
      `  baseUrl: ${demo.emulator.url}`,
      `  token: ${await demo.emulator.tokenFor("northwind")}`,
      "store:",
      "  kind: lancedb",
      `  dir: ${join(dir, "store")}`,
    ];
    configFile = join(dir, "clearance.yaml");
    await writeFile(configFile, [...base, "server:", "  webhookSecret: s3cret-value", ""].join("\n"));
    noSecretFile = join(dir, "no-secret.yaml");
    await writeFile(noSecretFile, [...base, ""].join("\n"));
  });

  afterAll(async () => {
    await demo?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("accepts another tenant's record_created, dead-letters it with the reason, and writes nothing", async () => {
    const running = await startServe({
      config: configFile,
      devIdentity: true,
      corpus: CORPUS_DIR,
      webhooks: true,
      spoolDir: join(dir, "spool"),
      host: "127.0.0.1",
      port: 0,
    });
    try {
      const before = {
        northwind: await demo.store.count({ tenant: "northwind" }),
        intruder: await demo.store.count({ tenant: "intruder" }),
      };
      expect(before.northwind).toBeGreaterThan(0);
      expect(before.intruder).toBe(0);

      const response = await fetch(`${running.url}/webhooks/managed-sync?secret=s3cret-value`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          event: "record_created",
          sync: "googledrive",
          syncInstanceId: "sync-of-intruder",
          user: { id: "intruder" },
          data: { recordId: "rec-intruder", model: "files" },
        }),
      });
      expect(response.status).toBe(202);

      const webhooks = async () =>
        ((await (await fetch(`${running.url}/health`)).json()) as { metrics: { webhooks: WebhookMetrics } })
          .metrics.webhooks;
      await expect.poll(async () => (await webhooks()).deadLettered, { timeout: 10_000 }).toBe(1);
      expect((await webhooks()).processed).toBe(0);

      expect(await demo.store.count({ tenant: "northwind" })).toBe(before.northwind);
      expect(await demo.store.count({ tenant: "intruder" })).toBe(0);
      const [letter] = await readdir(join(dir, "spool", "dead"));
      expect(JSON.parse(await readFile(join(dir, "spool", "dead", letter!), "utf8")).lastError).toMatch(
        /^WEBHOOK_UNKNOWN_TENANT: tenant intruder is not configured/,
      );
    } finally {
      await running.close();
    }
  });

  const serveWebhooks = (config: string, extra: object = {}) =>
    startServe({
      config,
      devIdentity: true,
      corpus: CORPUS_DIR,
      webhooks: true,
      spoolDir: join(dir, "spool-no-secret"),
      host: "127.0.0.1",
      port: 0,
      ...extra,
    });

  it("refuses to start the receiver without a secret, saying how to set one or opt out", async () => {
    const refused = serveWebhooks(noSecretFile);
    await expect(refused).rejects.toMatchObject({ code: "WEBHOOK_SECRET_REQUIRED" });
    await expect(refused).rejects.toThrow(/CLEARANCE_WEBHOOK_SECRET.*--webhooks-insecure-no-secret/);
  });

  it("starts without a secret only with the loudly named opt-out (flag or setting), and says so", async () => {
    const viaFlag = await serveWebhooks(noSecretFile, { webhooksInsecureNoSecret: true });
    try {
      expect(viaFlag.banner).toMatch(/webhooks {5}INSECURE: no secret/);
      const response = await fetch(`${viaFlag.url}/webhooks/managed-sync`, {
        method: "POST",
        body: JSON.stringify({ event: "webhook_verification" }),
      });
      expect(response.status).toBe(200);
    } finally {
      await viaFlag.close();
    }
    const optedOut = join(dir, "opted-out.yaml");
    await writeFile(
      optedOut,
      `${await readFile(noSecretFile, "utf8")}server:\n  webhookInsecureNoSecret: true\n`,
    );
    const viaConfig = await serveWebhooks(optedOut);
    expect(viaConfig.banner).toContain("INSECURE: no secret");
    await viaConfig.close();
    // The environment spells it out too, and a typo is an error rather than a silent "yes".
    expect(
      loadConfig({ file: noSecretFile, env: { CLEARANCE_WEBHOOK_INSECURE_NO_SECRET: "true" } }).server
        .webhookInsecureNoSecret,
    ).toBe(true);
    expect(() =>
      loadConfig({ file: noSecretFile, env: { CLEARANCE_WEBHOOK_INSECURE_NO_SECRET: "yep" } }),
    ).toThrow(/webhookInsecureNoSecret/);
  });
});
