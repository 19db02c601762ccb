import { decodeJwt, importPKCS8, jwtVerify } from "jose";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { ManagedSyncClient, ManagedSyncTokenError, mintUserToken } from "../../src/managed-sync/index.js";
import { rsaKeyPair } from "./helpers/keys.js";
import { type Loopback, sendJson, startLoopback } from "./helpers/loopback.js";

const PROJECT = "0c6a3c8e-5a0e-4d43-9a51-2b1f7f0e9d11";
let keys: ReturnType<typeof rsaKeyPair>;
let server: Loopback | undefined;

beforeAll(() => {
  keys = rsaKeyPair();
});

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("mintUserToken", () => {
  it("signs RS256 with sub, iat, exp and aud = useparagon.com/{projectId}", async () => {
    const token = await mintUserToken({
      signingKey: keys.pkcs8,
      projectId: PROJECT,
      userId: "acme",
      ttlSeconds: 600,
    });
    const { payload, protectedHeader } = await jwtVerify(token, keys.publicKey, {
      audience: `useparagon.com/${PROJECT}`,
      algorithms: ["RS256"],
    });
    expect(protectedHeader.alg).toBe("RS256");
    expect(payload.sub).toBe("acme");
    expect(typeof payload.iat).toBe("number");
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(600);
  });

  it("accepts PKCS#1 PEM, PEM with escaped newlines, and a WebCrypto key", async () => {
    const escaped = keys.pkcs8.replaceAll("\n", "\\n");
    const cryptoKey = await importPKCS8(keys.pkcs8, "RS256");
    for (const signingKey of [keys.pkcs1, escaped, cryptoKey]) {
      const token = await mintUserToken({ signingKey, projectId: PROJECT, userId: "u" });
      await expect(
        jwtVerify(token, keys.publicKey, { audience: `useparagon.com/${PROJECT}` }),
      ).resolves.toBeDefined();
    }
  });

  it("uses another host in aud for on-prem installs", async () => {
    const token = await mintUserToken({
      signingKey: keys.pkcs8,
      projectId: PROJECT,
      userId: "u",
      audienceHost: "paragon.corp.test",
    });
    expect(decodeJwt(token).aud).toBe(`paragon.corp.test/${PROJECT}`);
  });

  it("explains a key that is not a PEM RSA private key", async () => {
    const error = await mintUserToken({ signingKey: "not a key", projectId: PROJECT, userId: "u" }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ManagedSyncTokenError);
    expect(error).toMatchObject({ code: "TOKEN_INVALID" });
    expect((error as Error).message).toContain("Signing Key");
  });
});

describe("client auth", () => {
  it("mints once, reuses the token, and re-mints shortly before expiry", async () => {
    server = await startLoopback((_r, res) => sendJson(res, 200, { data: [] }));
    let now = Date.parse("2026-03-01T12:00:00Z");
    const client = new ManagedSyncClient({
      baseUrl: server.url,
      auth: { signingKey: keys.pkcs8, projectId: PROJECT, userId: "acme", ttlSeconds: 3600 },
      now: () => now,
    });
    const tokenOf = (i: number) => (server?.requests[i]?.headers.authorization ?? "").replace(/^Bearer /, "");

    await Promise.all([client.syncs.list(), client.syncs.list()]);
    now += 3600_000 - 61_000; // 61 s left: still fresh
    await client.syncs.list();
    expect(new Set([tokenOf(0), tokenOf(1), tokenOf(2)]).size).toBe(1);

    now += 2_000; // 59 s left: refreshed before it expires
    await client.syncs.list();
    expect(tokenOf(3)).not.toBe(tokenOf(2));
    const { payload } = await jwtVerify(tokenOf(3), keys.publicKey, {
      audience: `useparagon.com/${PROJECT}`,
      currentDate: new Date(now),
    });
    expect(payload.iat).toBe(Math.floor(now / 1000));
  });

  it("refuses an expired ready-made token without calling the server", async () => {
    server = await startLoopback((_r, res) => sendJson(res, 200, { data: [] }));
    const token = await mintUserToken({
      signingKey: keys.pkcs8,
      projectId: PROJECT,
      userId: "acme",
      ttlSeconds: 60,
      now: () => Date.parse("2020-01-01T00:00:00Z"),
    });
    const client = new ManagedSyncClient({ baseUrl: server.url, auth: { token } });
    await expect(client.syncs.list()).rejects.toMatchObject({ code: "TOKEN_EXPIRED" });
    expect(server.requests).toHaveLength(0);
  });

  it("passes an opaque token through and supports a getToken function", async () => {
    server = await startLoopback((_r, res) => sendJson(res, 200, { data: [] }));
    await new ManagedSyncClient({ baseUrl: server.url, auth: { token: "opaque" } }).syncs.list();
    let calls = 0;
    await new ManagedSyncClient({
      baseUrl: server.url,
      auth: { getToken: async () => `fn-${++calls}` },
    }).syncs.list();
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(["Bearer opaque", "Bearer fn-1"]);
  });

  it("rejects invalid client options with CONFIG_INVALID naming the option", () => {
    expect(() => new ManagedSyncClient({ baseUrl: "ftp://x", auth: { token: "t" } })).toThrow(/baseUrl/);
    expect(() => new ManagedSyncClient({ auth: { token: "" } })).toThrow(/auth/);
    expect(() => new ManagedSyncClient({ auth: { token: "t" }, timeoutMs: -1 })).toThrow(/timeoutMs/);
    try {
      new ManagedSyncClient({ auth: { token: "t" }, retry: { retries: 1.5 } });
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: "CONFIG_INVALID" });
      expect((error as Error).message).toContain("retry.retries");
    }
  });
});
