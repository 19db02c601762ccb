import { createPrivateKey, generateKeyPairSync } from "node:crypto";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../../src/emulator/index.js";
import { call, PROJECT_ID, smallCorpus, syncOf } from "./helpers.js";

describe("user tokens", () => {
  let emu: Emulator;
  let syncId: string;
  const sign = (
    claims: { sub?: string; aud?: string; exp?: number },
    key: Parameters<SignJWT["sign"]>[0],
  ) => {
    let jwt = new SignJWT({}).setProtectedHeader({ alg: "RS256" }).setIssuedAt();
    if (claims.sub) jwt = jwt.setSubject(claims.sub);
    if (claims.aud) jwt = jwt.setAudience(claims.aud);
    if (claims.exp) jwt = jwt.setExpirationTime(claims.exp);
    return jwt.sign(key);
  };
  const hour = () => Math.floor(Date.now() / 1000) + 3600;
  const projectKey = () => createPrivateKey(emu.signingKeyPem!);

  beforeAll(async () => {
    emu = await startEmulator({ corpus: smallCorpus() });
    syncId = syncOf(emu, "northwind");
  });
  afterAll(() => emu.close());

  it("accepts a token signed with the project key, with the right aud, unexpired", async () => {
    const token = await sign(
      { sub: "northwind", aud: `useparagon.com/${PROJECT_ID}`, exp: hour() },
      projectKey(),
    );
    const res = await call(emu, token, "/api/syncs");
    expect(res.status).toBe(200);
    expect(res.body.data.map((s: { id: string }) => s.id)).toEqual([syncId]);
  });

  it("refuses a missing token with 401 JSON", async () => {
    const res = await call(emu, undefined, "/api/syncs");
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: "UNAUTHORIZED" });
    expect(res.body.message).toMatch(/Bearer/);
  });

  it("refuses a token signed with another key", async () => {
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    const token = await sign({ sub: "northwind", aud: `useparagon.com/${PROJECT_ID}`, exp: hour() }, other);
    const res = await call(emu, token, `/api/syncs/${syncId}/records`);
    expect(res.status).toBe(401);
    expect(res.body.message).toMatch(/signature/);
  });

  it("refuses a wrong or missing aud", async () => {
    const key = projectKey();
    const wrong = await sign({ sub: "northwind", aud: "dashboard.useparagon.com/x", exp: hour() }, key);
    const res = await call(emu, wrong, "/api/syncs");
    expect(res.status).toBe(401);
    expect(res.body.message).toContain(`useparagon.com/${PROJECT_ID}`);
    const missing = await sign({ sub: "northwind", exp: hour() }, key);
    expect((await call(emu, missing, "/api/syncs")).status).toBe(401);
  });

  it("refuses an expired token and one without exp", async () => {
    const key = projectKey();
    const expired = await sign(
      { sub: "northwind", aud: `useparagon.com/${PROJECT_ID}`, exp: Math.floor(Date.now() / 1000) - 600 },
      key,
    );
    const res = await call(emu, expired, "/api/syncs");
    expect(res.status).toBe(401);
    expect(res.body.message).toMatch(/expired/);
    const noExp = await sign({ sub: "northwind", aud: `useparagon.com/${PROJECT_ID}` }, key);
    expect((await call(emu, noExp, "/api/syncs")).status).toBe(401);
  });

  it("refuses garbage and HS256 tokens", async () => {
    expect((await call(emu, "not.a.jwt", "/api/syncs")).status).toBe(401);
    const hs = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("northwind")
      .setAudience(`useparagon.com/${PROJECT_ID}`)
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode("a-shared-secret-that-is-long-enough"));
    expect((await call(emu, hs, "/api/syncs")).status).toBe(401);
  });

  it("hides another user's sync as 404 on every sync path", async () => {
    const other = await emu.tokenFor("other-co");
    const { body } = await call(emu, await emu.tokenFor("northwind"), `/api/syncs/${syncId}/records`);
    const recordId = body.data[0].id;
    for (const path of [
      `/api/syncs/${syncId}`,
      `/api/syncs/${syncId}/records`,
      `/api/syncs/${syncId}/records/${recordId}`,
      `/api/syncs/${syncId}/records/${recordId}/content`,
    ]) {
      const res = await call(emu, other, path);
      expect(res.status, path).toBe(404);
      expect(res.body.message).toBe("Sync not found");
    }
    for (const [method, path] of [
      ["POST", `/api/syncs/${syncId}/disable`],
      ["POST", `/api/syncs/${syncId}/reenable`],
      ["DELETE", `/api/syncs/${syncId}`],
    ] as const) {
      expect((await call(emu, other, path, { method })).status, path).toBe(404);
    }
    expect(emu.state.requireSync(syncId).status).toBe("IDLE");
    // and the alias routes do not find the other tenant's records either
    const alias = await call(emu, other, `/projects/${PROJECT_ID}/sync/records/${recordId}`);
    expect(alias.status).toBe(404);
  });

  it("gives a user with no syncs an empty list", async () => {
    const res = await call(emu, await emu.tokenFor("nobody-yet"), "/api/syncs");
    expect(res.body).toEqual({ data: [] });
  });

  it("verifies with a public key only, and then cannot mint", async () => {
    const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const verifyOnly = await startEmulator({
      corpus: smallCorpus(),
      publicKey: pair.publicKey.export({ type: "spki", format: "pem" }).toString(),
    });
    try {
      const token = await sign(
        { sub: "northwind", aud: `useparagon.com/${PROJECT_ID}`, exp: hour() },
        pair.privateKey,
      );
      expect((await call(verifyOnly, token, "/api/syncs")).status).toBe(200);
      expect(verifyOnly.signingKeyPem).toBeUndefined();
      await expect(verifyOnly.tokenFor("northwind")).rejects.toThrow(/public key only/);
    } finally {
      await verifyOnly.close();
    }
  });
});

describe("admin token", () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({ corpus: smallCorpus(), adminToken: "let-me-in" });
  });
  afterAll(() => emu.close());

  it("is required for /__admin, and a user token is not enough", async () => {
    expect((await call(emu, undefined, "/__admin/state")).status).toBe(401);
    expect((await call(emu, "wrong", "/__admin/state")).status).toBe(401);
    expect((await call(emu, await emu.tokenFor("northwind"), "/__admin/state")).status).toBe(401);
    const ok = await call(emu, "let-me-in", "/__admin/state");
    expect(ok.status).toBe(200);
    expect(ok.body.projectId).toBe(PROJECT_ID);
  });

  it("cannot be empty or short", async () => {
    await expect(startEmulator({ corpus: smallCorpus(), adminToken: "" })).rejects.toThrow(/at least 8/);
  });

  it("is not accepted on the Sync API", async () => {
    expect((await call(emu, "let-me-in", "/api/syncs")).status).toBe(401);
  });

  it("mints user tokens over HTTP", async () => {
    const minted = await call(emu, "let-me-in", "/__admin/tokens", {
      method: "POST",
      body: JSON.stringify({ userId: "northwind" }),
    });
    expect(minted.status).toBe(200);
    expect((await call(emu, minted.body.token, "/api/syncs")).body.data).toHaveLength(1);
  });
});
