import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ChatResponseBody,
  createChatHandler,
  IdentityError,
  jwtIdentity,
} from "../../src/chat/index.js";
import { ANA, type ChatWorld, chatRequest, startChatWorld } from "./helpers/world.js";

const secret = new TextEncoder().encode("a-test-secret-of-at-least-32-bytes!!");
const identify = jwtIdentity({ key: secret, issuer: "https://login.example.test", audience: "clearance" });

const token = (claims: Record<string, unknown>, options: { audience?: string; expires?: string } = {}) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256" })
    .setIssuer("https://login.example.test")
    .setAudience(options.audience ?? "clearance")
    .setIssuedAt()
    .setExpirationTime(options.expires ?? "5m")
    .sign(secret);

const withBearer = (value: string) =>
  new Request("http://clearance.test/", { headers: { authorization: `Bearer ${value}` } });

describe("jwtIdentity", () => {
  it("returns the email claim of a valid token, and undefined without a token", async () => {
    expect(await identify(withBearer(await token({ email: ANA })))).toBe(ANA);
    expect(await identify(new Request("http://clearance.test/"))).toBeUndefined();
  });

  it("refuses a token for another audience, an expired one, a forged one, and one without the claim", async () => {
    await expect(identify(withBearer(await token({ email: ANA }, { audience: "other" })))).rejects.toThrow(
      IdentityError,
    );
    const expired = await new SignJWT({ email: ANA })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer("https://login.example.test")
      .setAudience("clearance")
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(secret);
    await expect(identify(withBearer(expired))).rejects.toThrow(/refused/);
    const forged = await new SignJWT({ email: ANA })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer("https://login.example.test")
      .setAudience("clearance")
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode("another-secret-another-secret-!!!!"));
    await expect(identify(withBearer(forged))).rejects.toThrow(IdentityError);
    await expect(identify(withBearer(await token({ sub: "u1" })))).rejects.toThrow(/no "email" claim/);
  });

  it("needs a key or a JWKS URL", () => {
    expect(() => jwtIdentity({})).toThrowError(/jwksUrl or key/);
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

  it("answers a verified caller and refuses a forged one with 401", async () => {
    const chat = createChatHandler({ retriever: world.retriever, identify });
    const ok = await chat(
      chatRequest({ question: "deploy" }, { authorization: `Bearer ${await token({ email: ANA })}` }),
    );
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as ChatResponseBody).report.subject).toBe(ANA);
    const bad = await chat(chatRequest({ question: "deploy" }, { authorization: "Bearer not.a.jwt" }));
    expect(bad.status).toBe(401);
  });
});
