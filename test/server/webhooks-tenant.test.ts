import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServe } from "../../src/cli/commands/serve.js";
import { type Demo, startDemo } from "../../src/demo/index.js";
import { CORPUS_DIR } from "./helpers/demo-server.js";

interface WebhookMetrics {
  processed: number;
  deadLettered: number;
}

/** `clearance serve --webhooks` serves one Connected User: events for any other never reach the store. */
describe("serve --webhooks keeps tenants apart", () => {
  let demo: Demo;
  let dir: string;
  let configFile: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "clearance-webhooks-tenant-"));
    demo = await startDemo({ corpusDir: CORPUS_DIR, storeDir: join(dir, "store") });
    configFile = join(dir, "clearance.yaml");
    await writeFile(
      configFile,
      [
        "tenant: northwind",
        "managedSync:",
        `  baseUrl: ${demo.emulator.url}`,
        `  token: ${await demo.emulator.tokenFor("northwind")}`,
        "store:",
        "  kind: lancedb",
        `  dir: ${join(dir, "store")}`,
        "server:",
        "  webhookSecret: s3cret-value",
        "",
      ].join("\n"),
    );
  });

  afterAll(async () => {
    await demo?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("accepts another tenant's record_created, dead-letters it, and writes nothing", async () => {
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
    } finally {
      await running.close();
    }
  });
});
