import { createSecretKey } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChatResponseBody, createChatHandler } from "../../src/chat/index.js";
import { createMcpHttpHandler } from "../../src/mcp/index.js";
import type { PermissionAwareRetriever } from "../../src/retrieval/index.js";
import {
  IdentityConfigError,
  IdentityError,
  IdentityUnavailableError,
  jwtIdentity,
  singleTenant,
} from "../../src/tenants/index.js";
import { ANA, type ChatWorld, chatRequest, startChatWorld, TENANT } from "../chat/helpers/world.js";

const ISSUER = "https://login.example.test";
const keys = await generateKeyPair("ES256");
const identify = jwtIdentity({
  key: keys.publicKey,
  issuer: ISSUER,
  audience: "clearance",
  tenantClaim: "org_id",
});

interface TokenOptions {
  audience?: string;
  issuer?: string;
  expires?: string | number | null;
  alg?: string;
  key?: CryptoKey | Uint8Array;
}

const token = (claims: JWTPayload, options: TokenOptions = {}) => {
  let jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: options.alg ?? "ES256" })
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? "clearance")
    .setIssuedAt();
  if (options.expires !== null) jwt = jwt.setExpirationTime(options.expires ?? "5m");
  return jwt.sign(options.key ?? keys.privateKey);
};

const withBearer = (value: string) =>
  new Request("http://clearance.test/", { headers: { authorization: `Bearer ${value}` } });

describe("jwtIdentity", () => {
  it("returns { tenant, user } from the tenant and email claims, and undefined without a token", async () => {
    expect(await identify(withBearer(await token({ email: ANA, org_id: TENANT })))).toEqual({
      tenant: TENANT,
      user: ANA,
    });
    // Numeric organisation ids are common; they name a tenant as well.
    expect(await identify(withBearer(await token({ email: ANA, org_id: 42 })))).toEqual({
      tenant: "42",
      user: ANA,
    });
    expect(await identify(new Request("http://clearance.test/"))).toBeUndefined();
  });

  it("refuses a token without the tenant claim: no default tenant", async () => {
    await expect(identify(withBearer(await token({ email: ANA })))).rejects.toThrow(/no "org_id" claim/);
    await expect(identify(withBearer(await token({ email: ANA, org_id: "  " })))).rejects.toThrow(
      IdentityError,
    );
  });

  it("serves one fixed tenant when told so, for a single-tenant deployment", async () => {
    const fixed = jwtIdentity({
      key: keys.publicKey,
      issuer: ISSUER,
      audience: "clearance",
      tenant: "northwind",
    });
    expect(await fixed(withBearer(await token({ email: ANA, org_id: "ignored" })))).toEqual({
      tenant: "northwind",
      user: ANA,
    });
  });

  it("refuses a token for another audience or issuer, an expired one, a forged one, and one without the email", async () => {
    await expect(
      identify(withBearer(await token({ email: ANA, org_id: TENANT }, { audience: "other" }))),
    ).rejects.toThrow(IdentityError);
    await expect(
      identify(withBearer(await token({ email: ANA, org_id: TENANT }, { issuer: "https://evil.test" }))),
    ).rejects.toThrow(IdentityError);
    const expired = await token(
      { email: ANA, org_id: TENANT },
      { expires: Math.floor(Date.now() / 1000) - 60 },
    );
    await expect(identify(withBearer(expired))).rejects.toThrow(/refused/);
    const other = await generateKeyPair("ES256");
    await expect(
      identify(withBearer(await token({ email: ANA, org_id: TENANT }, { key: other.privateKey }))),
    ).rejects.toThrow(IdentityError);
    await expect(identify(withBearer(await token({ sub: "u1", org_id: TENANT })))).rejects.toThrow(
      /no "email" claim/,
    );
  });

  // Issue 11 item 1: each of these was accepted before.
  it("refuses a correctly signed token without exp (it would never expire)", async () => {
    const forever = await token({ email: ANA, org_id: TENANT }, { expires: null });
    await expect(identify(withBearer(forever))).rejects.toThrow(/"exp" claim/);
  });

  it("refuses email_verified: false when the claim is present, and accepts true or absent", async () => {
    await expect(
      identify(withBearer(await token({ email: ANA, org_id: TENANT, email_verified: false }))),
    ).rejects.toThrow(/not verified/);
    // Some providers (Cognito) send the flag as a string.
    await expect(
      identify(withBearer(await token({ email: ANA, org_id: TENANT, email_verified: "false" }))),
    ).rejects.toThrow(/not verified/);
    expect(
      await identify(withBearer(await token({ email: ANA, org_id: TENANT, email_verified: true }))),
    ).toEqual({
      tenant: TENANT,
      user: ANA,
    });
  });

  it("accepts asymmetric algorithms only: shared secrets and HS256 are refused", async () => {
    const secret = new TextEncoder().encode("a-test-secret-of-at-least-32-bytes!!");
    expect(() =>
      jwtIdentity({ key: createSecretKey(secret), issuer: ISSUER, audience: "clearance", tenant: TENANT }),
    ).toThrowError(/refuses shared secrets/);
    expect(() =>
      jwtIdentity({ key: secret as never, issuer: ISSUER, audience: "clearance", tenant: TENANT }),
    ).toThrowError(IdentityConfigError);
    expect(() =>
      jwtIdentity({
        key: keys.publicKey,
        issuer: ISSUER,
        audience: "clearance",
        tenant: TENANT,
        algorithms: ["HS256"],
      }),
    ).toThrowError(/must be asymmetric.*refused: HS256/);
    // A token signed with HS256 never verifies, whatever key it names.
    const hs = await token({ email: ANA, org_id: TENANT }, { alg: "HS256", key: secret });
    await expect(identify(withBearer(hs))).rejects.toThrow(IdentityError);
    // alg: none is refused as well.
    const payload = (await token({ email: ANA, org_id: TENANT })).split(".")[1];
    const none = `${Buffer.from(JSON.stringify({ alg: "none" })).toString("base64url")}.${payload}.`;
    await expect(identify(withBearer(none))).rejects.toThrow(IdentityError);
  });

  it("needs the expected issuer and audience unless explicitly told to accept any", async () => {
    expect(() => jwtIdentity({ key: keys.publicKey, tenant: TENANT })).toThrowError(/issuer and audience/);
    expect(() => jwtIdentity({ key: keys.publicKey, tenant: TENANT, issuer: ISSUER })).toThrowError(
      /expected audience/,
    );
    const any = jwtIdentity({
      key: keys.publicKey,
      tenant: TENANT,
      insecureAcceptAnyIssuerAndAudience: true,
    });
    expect(
      await any(
        withBearer(await token({ email: ANA }, { audience: "another-app", issuer: "https://x.test" })),
      ),
    ).toEqual({
      tenant: TENANT,
      user: ANA,
    });
  });

  it("says clearly what is wrong with its options", () => {
    expect(() => jwtIdentity({ tenant: TENANT, issuer: ISSUER, audience: "a" })).toThrowError(
      /jwksUrl or key/,
    );
    expect(() =>
      jwtIdentity({ jwksUrl: "not-a-url", tenant: TENANT, issuer: ISSUER, audience: "a" }),
    ).toThrowError(/"not-a-url" is not a URL/);
    expect(() =>
      jwtIdentity({ jwksUrl: "ftp://idp.test/jwks", tenant: TENANT, issuer: ISSUER, audience: "a" }),
    ).toThrowError(/must be http/);
    expect(() => jwtIdentity({ key: keys.publicKey, issuer: ISSUER, audience: "a" })).toThrowError(
      /tenantClaim/,
    );
    expect(() =>
      jwtIdentity({ key: keys.publicKey, issuer: ISSUER, audience: "a", tenant: "x", tenantClaim: "org_id" }),
    ).toThrowError(/not both/);
  });
});

describe("jwtIdentity in the chat handler", () => {
  let world: ChatWorld;
  beforeAll(async () => {
    world = await startChatWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  it("answers a verified caller of the retriever's tenant, refuses a forged one (401) and another tenant (403)", async () => {
    const chat = createChatHandler({ retriever: world.retriever, identify });
    const ok = await chat(
      chatRequest(
        { question: "deploy" },
        { authorization: `Bearer ${await token({ email: ANA, org_id: TENANT })}` },
      ),
    );
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as ChatResponseBody;
    expect(body.report.subject).toBe(ANA);
    expect(body.tenant).toBe(TENANT);
    const bad = await chat(chatRequest({ question: "deploy" }, { authorization: "Bearer not.a.jwt" }));
    expect(bad.status).toBe(401);
    const elsewhere = await chat(
      chatRequest(
        { question: "deploy" },
        { authorization: `Bearer ${await token({ email: ANA, org_id: "contoso" })}` },
      ),
    );
    expect(elsewhere.status).toBe(403);
    expect(((await elsewhere.json()) as { error: { code: string } }).error.code).toBe("TENANT_UNKNOWN");
  });

  it("an identity provider whose keys cannot be fetched is a 503 to try again (chat and MCP), not a 401 saying to sign in again", async () => {
    // Loopback JWKS servers: one down (503), one publishing only another key.
    const down = await serveJwks((_, res) => {
      res.statusCode = 503;
      res.end("maintenance");
    });
    const other = await exportJWK((await generateKeyPair("ES256")).publicKey);
    const otherKeys = await serveJwks((_, res) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ keys: [{ ...other, alg: "ES256", kid: "other" }] }));
    });
    try {
      const viaJwks = (url: string) =>
        jwtIdentity({ jwksUrl: url, issuer: ISSUER, audience: "clearance", tenantClaim: "org_id" });
      const bearer = { authorization: `Bearer ${await token({ email: ANA, org_id: TENANT })}` };
      const logged: unknown[] = [];
      const chat = createChatHandler({
        retriever: world.retriever,
        identify: viaJwks(down.url),
        onError: (error) => logged.push(error),
      });
      const response = await chat(chatRequest({ question: "deploy" }, bearer));
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("5");
      const { error } = (await response.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe("IDENTITY_UNAVAILABLE");
      expect(error.message).toMatch(/try again/);
      // The provider's address is for the log, where the failure went.
      expect(error.message).not.toContain(down.url);
      expect(logged).toEqual([expect.objectContaining({ code: "IDENTITY_UNAVAILABLE" })]);

      const mcp = createMcpHttpHandler({
        retrievers: singleTenant(world.retriever as PermissionAwareRetriever),
        identify: viaJwks(down.url),
      });
      const mcpResponse = await mcp.handle(
        new Request("http://clearance.test/mcp", { method: "POST", headers: bearer, body: "{}" }),
      );
      expect(mcpResponse.status).toBe(503);
      expect(mcpResponse.headers.get("www-authenticate")).toBeNull();

      // Nothing listening there at all: the same.
      await expect(
        viaJwks("http://127.0.0.1:1/jwks")(new Request("http://clearance.test/", { headers: bearer })),
      ).rejects.toBeInstanceOf(IdentityUnavailableError);

      // A token whose key the provider does not publish is still the token's fault: 401.
      const unknownKey = await createChatHandler({
        retriever: world.retriever,
        identify: viaJwks(otherKeys.url),
      })(chatRequest({ question: "deploy" }, bearer));
      expect(unknownKey.status).toBe(401);
    } finally {
      await down.close();
      await otherKeys.close();
    }
  });
});

async function serveJwks(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
