import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ChatResponseBody } from "../../src/chat/index.js";
import { formatQueryResult, queryCommand, runQuery } from "../../src/cli/commands/query.js";
import { startServe } from "../../src/cli/commands/serve.js";
import { type Demo, startDemo } from "../../src/demo/index.js";
import { createEmbeddings } from "../../src/embeddings/index.js";
import type { FollowerHealth } from "../../src/server/index.js";
import { openChunkStore } from "../../src/store/index.js";
import { CORPUS_DIR } from "./helpers/demo-server.js";

const SAM = "sam@northwind.test";
const CHLOE = "chloe@northwind.test";
const DEPLOY = "How do we deploy to production?";

const askServer = (url: string, user: string | undefined, question: string, tenant = "northwind") =>
  fetch(`${url}/api/chat`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(user ? { "x-clearance-user": user, "x-clearance-tenant": tenant } : {}),
    },
    body: JSON.stringify({ question }),
  });

describe("clearance serve --demo", () => {
  it("serves the page, chat and health offline, with the demo identity", async () => {
    const running = await startServe({ demo: true, corpus: CORPUS_DIR, host: "127.0.0.1", port: 0 });
    try {
      expect(running.banner).toContain("DEV ONLY");
      expect(running.banner).toContain("Clearance serving 2 tenants");
      expect(running.banner).toContain(`${running.url}/api/chat`);
      expect((await fetch(`${running.url}/`)).status).toBe(200);
      const people = (await (await fetch(`${running.url}/api/people`)).json()) as { identity: unknown };
      expect(people.identity).toEqual({ header: "x-clearance-user", tenantHeader: "x-clearance-tenant" });

      // Both companies of the example corpus, from one serve: a Kestrel person in Kestrel.
      const raj = await askServer(running.url, "raj@kestrel.test", "What was Q3 revenue?", "kestrel");
      expect(raj.status).toBe(200);
      expect(((await raj.json()) as ChatResponseBody).tenant).toBe("kestrel");
      const sam = await askServer(running.url, SAM, DEPLOY);
      expect(sam.status).toBe(200);
      expect(((await sam.json()) as ChatResponseBody).citations[0]!.name).toBe("Deploy to production.md");
      expect((await askServer(running.url, undefined, DEPLOY)).status).toBe(401);

      // The chat apps' protocols are served beside it, with the same identity.
      const identity = { "x-clearance-user": SAM, "x-clearance-tenant": "northwind" };
      const completion = await fetch(`${running.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", ...identity },
        body: JSON.stringify({ model: "clearance", messages: [{ role: "user", content: DEPLOY }] }),
      });
      expect(((await completion.json()) as { object: string }).object).toBe("chat.completion");
      const ui = await fetch(`${running.url}/api/ai-sdk/chat`, {
        method: "POST",
        headers: { "content-type": "application/json", ...identity },
        body: JSON.stringify({
          messages: [{ id: "1", role: "user", parts: [{ type: "text", text: DEPLOY }] }],
        }),
      });
      expect(ui.headers.get("x-vercel-ai-ui-message-stream")).toBe("v1");
      expect(await ui.text()).toContain('"type":"source-url"');
      expect(running.banner).toContain(`${running.url}/v1/chat/completions`);

      // MCP at /mcp with the same (development) identity: the demo has no sign-in to offer.
      expect(running.banner).toContain(`MCP          ${running.url}/mcp  DEV ONLY`);
      const mcp = new Client({ name: "cli-test", version: "0" });
      await mcp.connect(
        new StreamableHTTPClientTransport(new URL(`${running.url}/mcp`), {
          requestInit: { headers: identity },
        }),
      );
      const found = await mcp.callTool({ name: "search", arguments: { query: DEPLOY } });
      expect(JSON.stringify(found.structuredContent)).toContain("Deploy to production.md");
      await mcp.close();
      expect((await fetch(`${running.url}/mcp`, { method: "POST" })).status).toBe(401);

      const health = (await (await fetch(`${running.url}/health`)).json()) as Record<string, unknown>;
      expect(health).toMatchObject({
        status: "ok",
        tenants: 2,
        mode: "demo",
        identity: "dev-header",
        answerer: "extractive",
        metrics: {
          chat: { requests: 3, byStatus: { "200": 2, "401": 1 } },
          openai: { requests: 1, byStatus: { "200": 1 } },
          aiSdk: { requests: 1, byStatus: { "200": 1 } },
        },
      });
      // /mcp is counted as the chat endpoints are: the SDK client's initialize and search, its
      // notification (202) and the refused POST. (Its try at a standalone stream, a GET answered
      // 405, is sent without waiting, so it is not counted on here.)
      expect((health.metrics as Record<string, unknown>).mcp).toMatchObject({
        byStatus: { "200": 2, "202": 1, "401": 1 },
      });
    } finally {
      await running.close();
    }
  });
});

describe("clearance serve and query over a configured store", () => {
  let demo: Demo;
  let dir: string;
  let configFile: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "clearance-cli-"));
    // The demo ingests into a folder we keep; the CLI then opens it from a config file, as in production.
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
        "retrieval:",
        "  k: 4",
        "",
      ].join("\n"),
    );
  });

  afterAll(async () => {
    await demo?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("query: one retrieval and answer for the person asking, then as a table", async () => {
    const sam = await runQuery(DEPLOY, {
      user: SAM,
      config: configFile,
      corpus: CORPUS_DIR,
      extractive: true,
      k: 4,
    });
    const chloe = await runQuery(DEPLOY, { user: CHLOE, config: configFile, corpus: CORPUS_DIR, k: 2 });
    expect(sam.citations).toHaveLength(4);
    expect(sam.citations[0]!.name).toBe("Deploy to production.md");
    expect(chloe.citations).toHaveLength(2);
    expect(chloe.citations.map((c) => c.name)).not.toContain("Deploy to production.md");

    const table = formatQueryResult(sam).split("\n");
    expect(table[0]).toMatch(/^#\s+file\s+score\s+excerpt$/);
    expect(table[1]).toMatch(/^1\s+Deploy to production\.md #0\s+0\.\d{3}\s+\S/);
    expect(formatQueryResult(sam)).toMatch(
      /as sam@northwind\.test in northwind · strategy (race→)?(post|pre)\S* · 4\/4 returned · \d+ candidates scanned · \d+ permission calls?/,
    );
    expect(formatQueryResult(sam)).toContain("Answer (extractive):");
  });

  it("query --demo without --tenant answers a person in their own company, not the corpus's first", async () => {
    // diego@kestrel.test asked in Northwind got Northwind's few shared files and "nothing you may read".
    // On a terminal, the ingest draws its progress on stderr: it drew nothing (one line, then a
    // wait of seconds to a minute).
    const isTTY = Object.getOwnPropertyDescriptor(process.stderr, "isTTY");
    Object.defineProperty(process.stderr, "isTTY", { value: true, configurable: true });
    let drawn = "";
    const write = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
      drawn += String(chunk);
      return true;
    });
    const diego = await runQuery(DEPLOY, {
      demo: true,
      user: "diego@kestrel.test",
      corpus: CORPUS_DIR,
      extractive: true,
      k: 3,
    }).finally(() => {
      write.mockRestore();
      if (isTTY) Object.defineProperty(process.stderr, "isTTY", isTTY);
      else delete (process.stderr as { isTTY?: boolean }).isTTY;
    });
    expect(stripVTControlCharacters(drawn)).toMatch(/tenants \[[^\]]*\] \d\/2 done/);
    expect(stripVTControlCharacters(drawn)).toMatch(/kestrel \[[^\]]*\] \d+\/\d+ records/);
    expect(diego.tenant).toBe("kestrel");
    expect(diego.citations.map((c) => c.name)).toContain("Deploy to production.md");
    // With two companies, the report line says which one answered.
    expect(formatQueryResult(diego)).toContain("as diego@kestrel.test in kestrel · strategy");
  });

  it("query: what it learnt about the person is in the store when it exits, so the next run knows them", async () => {
    // Learnt allow rates are written about a second after a query; the command must not exit first.
    const priya = "priya@northwind.test";
    await runQuery(DEPLOY, { user: priya, config: configFile, corpus: CORPUS_DIR, extractive: true });
    const store = await openChunkStore(
      { kind: "lancedb", dir: join(dir, "store") },
      await createEmbeddings().dimensions(),
    );
    try {
      const learnt = await store.getState("allow-rate:northwind", `can_read:${priya}`);
      expect(JSON.parse(learnt ?? "null")).toMatchObject({ scanned: expect.any(Number) });
    } finally {
      await store.close();
    }
  });

  it("serve --dev-identity: the configured store, people from a corpus folder", async () => {
    const running = await startServe({
      config: configFile,
      devIdentity: true,
      people: CORPUS_DIR,
      corpus: CORPUS_DIR,
      host: "127.0.0.1",
      port: 0,
    });
    try {
      const response = await askServer(
        running.url,
        CHLOE,
        "How much discount can an account executive give without approval?",
      );
      expect(response.status).toBe(200);
      expect(((await response.json()) as ChatResponseBody).citations[0]!.name).toBe("Pricing 2026.pdf");
      // Only the corpus's people are accepted under the dev identity.
      expect((await askServer(running.url, "mallory@evil.test", DEPLOY)).status).toBe(401);
    } finally {
      await running.close();
    }
  });

  it("serve --webhooks: the Managed Sync receiver beside chat, behind the configured secret", async () => {
    const withSecret = join(dir, "with-secret.yaml");
    await writeFile(
      withSecret,
      `${await readFile(configFile, "utf8")}server:\n  webhookSecret: s3cret-value\n`,
    );
    const running = await startServe({
      config: withSecret,
      devIdentity: true,
      corpus: CORPUS_DIR,
      webhooks: true,
      spoolDir: join(dir, "spool"),
      host: "127.0.0.1",
      port: 0,
    });
    try {
      expect(running.banner).toContain(`POST ${running.url}/webhooks/managed-sync`);
      const probe = (query: string) =>
        fetch(`${running.url}/webhooks/managed-sync${query}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ event: "webhook_verification" }),
        });
      expect((await probe("")).status).toBe(401);
      expect((await probe("?secret=s3cret-value")).status).toBe(200);
      const health = (await (await fetch(`${running.url}/health`)).json()) as {
        metrics: { webhooks: { verifications: number; unauthorized: number } };
      };
      expect(health.metrics.webhooks).toMatchObject({ verifications: 1, unauthorized: 1 });
    } finally {
      await running.close();
    }
    await expect(
      startServe({ demo: true, webhooks: true, corpus: CORPUS_DIR, port: 0 }),
    ).rejects.toMatchObject({ code: "SERVE_FLAGS_CONFLICT" });
  });

  it("serve takes its JWT identity from the config's auth section", async () => {
    const { privateKey, publicKey } = await generateKeyPair("RS256");
    const jwks = createServer((_, res) => {
      exportJWK(publicKey).then((jwk) => {
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ keys: [{ ...jwk, alg: "RS256", kid: "k1" }] }));
      });
    });
    await new Promise<void>((done) => jwks.listen(0, "127.0.0.1", done));
    const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks`;
    const withAuth = join(dir, "with-auth.yaml");
    await writeFile(
      withAuth,
      `${await readFile(configFile, "utf8")}auth:\n  jwksUrl: ${jwksUrl}\n  issuer: https://idp.test\n  audience: clearance\n`,
    );
    const running = await startServe({ config: withAuth, corpus: CORPUS_DIR, host: "127.0.0.1", port: 0 });
    try {
      expect(running.banner).toContain("Authorization: Bearer <JWT>");
      const token = await new SignJWT({ email: CHLOE })
        .setProtectedHeader({ alg: "RS256", kid: "k1" })
        .setIssuer("https://idp.test")
        .setAudience("clearance")
        .setExpirationTime("5m")
        .sign(privateKey);
      const ask = (headers: Record<string, string>) =>
        fetch(`${running.url}/api/chat`, {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: JSON.stringify({
            question: "How much discount can an account executive give without approval?",
          }),
        });
      // The dev header means nothing here: only a verified token says who asks.
      expect((await ask({ "x-clearance-user": CHLOE, "x-clearance-tenant": "northwind" })).status).toBe(401);
      const answer = await ask({ authorization: `Bearer ${token}` });
      expect(answer.status).toBe(200);
      const body = (await answer.json()) as ChatResponseBody;
      expect(body.citations[0]!.name).toBe("Pricing 2026.pdf");
      // One configured tenant and no tenant claim: the verified caller belongs to that tenant.
      expect(body.tenant).toBe("northwind");
    } finally {
      await running.close();
      jwks.close();
    }
  });

  it("serve follows the Permission Changes feed by default: a group member removed stops seeing the group's file", async () => {
    const followConfig = join(dir, "follow.yaml");
    const base = await readFile(configFile, "utf8");
    await writeFile(followConfig, `${base}  followIntervalMs: 200\n`);
    const running = await startServe({
      config: followConfig,
      devIdentity: true,
      people: CORPUS_DIR,
      corpus: CORPUS_DIR,
      host: "127.0.0.1",
      port: 0,
    });
    let last: ChatResponseBody | undefined;
    const cites = async () => {
      last = (await (await askServer(running.url, SAM, DEPLOY)).json()) as ChatResponseBody;
      return last.citations.map((c) => c.name).includes("Deploy to production.md");
    };
    try {
      expect(running.banner).toContain("Permission Changes feed followed every 0.2 s");
      expect(await cites()).toBe(true);
      // The first question put the tenant's syncs in use: their followers catch up.
      const syncIds = demo.emulator.state
        .allSyncs()
        .filter((sync) => sync.tenant === "northwind")
        .map((sync) => sync.id);
      expect(syncIds.length).toBeGreaterThan(0);
      for (let i = 0; ; i++) {
        const text = await (await fetch(`${running.url}/health`)).text();
        // /health answers anyone: it counts the followers, naming no tenant and no sync.
        expect(text).not.toContain("northwind");
        for (const syncId of syncIds) expect(text).not.toContain(syncId);
        const followers = (JSON.parse(text) as { metrics: { permissionChanges?: FollowerHealth } }).metrics
          .permissionChanges;
        if (followers && followers.syncs > 0 && followers.following === followers.syncs) break;
        if (i > 100) throw new Error(`followers never caught up: ${JSON.stringify(followers)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      // Decisions made before the followers started are asked once more; from then on the cache serves.
      expect(await cites()).toBe(true);
      expect(await cites()).toBe(true);
      expect(last?.report.freshness).toMatchObject({ mode: "follower" });
      expect(last?.report.freshness.summary).toMatch(/^staleness ≤ /);
      expect(last?.report.checks).toBe(0);
      const removedAt = Date.now();
      demo.emulator.state.removeGroupMember("engineering", { type: "user", email: SAM });
      while (await cites()) {
        if (Date.now() - removedAt > 10_000)
          throw new Error("Sam still sees the engineering file after 10 s");
      }
      console.log(
        `serve: group removal took effect after ${Date.now() - removedAt} ms (poll interval 200 ms)`,
      );
    } finally {
      demo.emulator.state.addGroupMember("engineering", { type: "user", email: SAM });
      await running.close();
    }
  });

  it("serve --people is refused with JWT identity: /api/people would list every served tenant's people to anyone", async () => {
    // /api/people answers without sign-in. Under --dev-identity that list is the point (the page's
    // person picker); with verified tokens nobody picks a person, and the list would tell any
    // stranger the tenants served here and their people's names, titles and emails.
    const started = startServe({
      config: configFile,
      corpus: CORPUS_DIR,
      people: CORPUS_DIR,
      jwksUrl: "https://idp.test/jwks",
      jwtIssuer: "https://idp.test",
      jwtAudience: "clearance",
      host: "127.0.0.1",
      port: 0,
    });
    const running = await started.catch(() => undefined);
    try {
      if (running) {
        const listed = await (await fetch(`${running.url}/api/people`)).text();
        expect(listed, "an anonymous GET /api/people").not.toContain(CHLOE);
      }
      await expect(started).rejects.toMatchObject({
        code: "SERVE_FLAGS_CONFLICT",
        message: expect.stringMatching(/--people.*--dev-identity/),
      });
    } finally {
      await running?.close();
    }
  });

  it("serve refuses to start without a way to know who asks, or with two", async () => {
    await expect(startServe({ config: configFile, corpus: CORPUS_DIR, port: 0 })).rejects.toMatchObject({
      code: "SERVE_NO_IDENTITY",
    });
    await expect(
      startServe({
        config: configFile,
        corpus: CORPUS_DIR,
        devIdentity: true,
        jwksUrl: "https://idp.test/jwks",
        port: 0,
      }),
    ).rejects.toMatchObject({ code: "SERVE_IDENTITY_CONFLICT" });
  });

  it("serve refuses JWT identity without issuer and audience unless the loud opt-out is given (issue 11.1)", async () => {
    const base = { config: configFile, corpus: CORPUS_DIR, port: 0, host: "127.0.0.1" };
    await expect(
      startServe({ ...base, jwksUrl: "https://idp.test/jwks", jwtIssuer: "https://idp.test" }),
    ).rejects.toMatchObject({
      code: "SERVE_JWT_AUDIENCE_MISSING",
      message: expect.stringMatching(/--jwt-audience/),
    });
    await expect(startServe({ ...base, jwksUrl: "https://idp.test/jwks" })).rejects.toMatchObject({
      code: "SERVE_JWT_AUDIENCE_MISSING",
      message: expect.stringMatching(/--jwt-issuer.*--jwt-audience/),
    });
    const insecure = await startServe({
      ...base,
      jwksUrl: "https://idp.test/jwks",
      insecureAnyJwtIssuerAndAudience: true,
    });
    await insecure.close();
  });

  it("serve refuses a configured tenant that is not the user token's sub, naming both", async () => {
    const other = join(dir, "other-tenant.yaml");
    await writeFile(
      other,
      (await readFile(configFile, "utf8")).replace("tenant: northwind", "tenant: kestrel"),
    );
    await expect(
      startServe({ config: other, devIdentity: true, corpus: CORPUS_DIR, host: "127.0.0.1", port: 0 }),
    ).rejects.toMatchObject({
      code: "TENANT_TOKEN_MISMATCH",
      message: expect.stringMatching(
        /configured tenant kestrel is not the Paragon user token's sub northwind/,
      ),
    });
  });

  it("serve --jwks-url not-a-url is a clear error, not a stack trace (issue 11.1)", async () => {
    await expect(
      startServe({
        config: configFile,
        corpus: CORPUS_DIR,
        port: 0,
        jwksUrl: "not-a-url",
        jwtIssuer: "https://idp.test",
        jwtAudience: "clearance",
      }),
    ).rejects.toMatchObject({
      code: "IDENTITY_CONFIG_INVALID",
      message: expect.stringMatching(/"not-a-url" is not a URL/),
    });
  });

  it("query without --user is a usage error", async () => {
    const command = queryCommand()
      .exitOverride()
      .configureOutput({ writeErr: () => undefined });
    await expect(command.parseAsync(["node", "query", DEPLOY], { from: "node" })).rejects.toThrow(/--user/);
  });
});
