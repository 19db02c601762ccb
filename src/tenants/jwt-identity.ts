import type { KeyObject } from "node:crypto";
import type { JWTPayload, JWTVerifyGetKey } from "jose";
import { IdentityConfigError, IdentityError, IdentityUnavailableError } from "./errors.js";
import { type Identify, normalizeIdentity } from "./identity.js";

/** Signature algorithms a token may use: asymmetric only, so a verifier never holds a signing secret. */
export const ASYMMETRIC_ALGORITHMS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
  "Ed25519",
] as const;

export interface JwtIdentityOptions {
  /** Your identity provider's JWKS, e.g. `https://login.example.com/.well-known/jwks.json`. */
  jwksUrl?: string;
  /** Or one public key (RSA, EC or Ed25519). Shared secrets (HS256) are refused. */
  key?: CryptoKey | KeyObject;
  /** The `iss` every token must carry (required unless `insecureAcceptAnyIssuerAndAudience`). */
  issuer?: string | string[];
  /** An `aud` every token must carry (required unless `insecureAcceptAnyIssuerAndAudience`). */
  audience?: string | string[];
  /**
   * Accept tokens from any issuer for any audience: a token minted for another app on the same
   * identity provider then works here. Only for a provider that issues tokens for this app alone.
   */
  insecureAcceptAnyIssuerAndAudience?: boolean;
  /** The claim holding the email (default `email`). */
  claim?: string;
  /** The claim naming the tenant (the Paragon Connected User id), e.g. `org_id`. */
  tenantClaim?: string;
  /** Or one fixed tenant, for a deployment that serves a single Connected User. */
  tenant?: string;
  /** Subset of `ASYMMETRIC_ALGORITHMS` to accept (default all of them). */
  algorithms?: readonly string[];
}

/**
 * Production identity: verifies `Authorization: Bearer <JWT>` (asymmetric signature, `exp`
 * required, issuer, audience) and returns `{ tenant, user }` from its tenant claim and email
 * claim. No token: undefined (a 401). A bad token, a token without the tenant or email, or
 * `email_verified: false`: throws `IdentityError` (also a 401).
 *
 * @example
 * jwtIdentity({ jwksUrl, issuer: "https://login.example.com/", audience: "clearance", tenantClaim: "org_id" });
 */
export function jwtIdentity(options: JwtIdentityOptions): Identify {
  const key = verificationKey(options);
  const tenantOf = tenantResolver(options);
  const claim = options.claim ?? "email";
  const verifyOptions = {
    algorithms: allowedAlgorithms(options.algorithms),
    requiredClaims: ["exp"],
    ...expectedIssuerAndAudience(options),
  };
  return async (request) => {
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "");
    if (!match) return undefined;
    let payload: JWTPayload;
    // Loaded at the first token, not by `import "clearance"`.
    const { jwtVerify } = await import("jose/jwt/verify");
    try {
      // Overloads differ by key kind; both branches verify the same way.
      payload = (
        typeof key === "function"
          ? await jwtVerify(match[1]!, key, verifyOptions)
          : await jwtVerify(match[1]!, key, verifyOptions)
      ).payload;
    } catch (error) {
      if (error instanceof IdentityUnavailableError) throw error;
      throw new IdentityError(`the bearer token was refused (${(error as Error).message}): sign in again`, {
        cause: error,
      });
    }
    // Many providers let anyone register any address unverified: such a token proves nothing.
    if (payload.email_verified === false || payload.email_verified === "false") {
      throw new IdentityError("the bearer token's email is not verified (email_verified: false): verify it");
    }
    const user = stringClaim(payload, claim);
    if (!user) {
      throw new IdentityError(
        `the bearer token has no "${claim}" claim: configure the claim holding the email`,
      );
    }
    const tenant = tenantOf(payload);
    const identity = normalizeIdentity({ tenant, user });
    if (!identity) {
      throw new IdentityError(
        `the bearer token has no "${options.tenantClaim}" claim naming the tenant: sign in through your organisation`,
      );
    }
    return identity;
  };
}

function verificationKey(options: JwtIdentityOptions): CryptoKey | KeyObject | JWTVerifyGetKey {
  if (options.jwksUrl && options.key) {
    throw new IdentityConfigError("jwtIdentity takes jwksUrl or key, not both");
  }
  if (options.jwksUrl) return remoteKeySet(jwksUrlOf(options.jwksUrl));
  const key = options.key;
  if (!key) throw new IdentityConfigError("jwtIdentity needs jwksUrl or key to verify tokens with");
  if (key instanceof Uint8Array || key.type === "secret") {
    throw new IdentityConfigError(
      "jwtIdentity refuses shared secrets (HS256): anyone holding the secret can mint tokens. Verify with your provider's public key or JWKS",
    );
  }
  return key;
}

/**
 * jose's remote JWKS (cached, refetched on an unknown key id), created at the first token. A key
 * set that cannot be fetched or read is `IdentityUnavailableError`; a token naming no published
 * key (or an ambiguous one) stays the token's fault.
 */
function remoteKeySet(url: URL): JWTVerifyGetKey {
  let keySet: Promise<JWTVerifyGetKey> | undefined;
  return async (header, token) => {
    keySet ??= import("jose/jwks/remote").then(({ createRemoteJWKSet }) => createRemoteJWKSet(url));
    const getKey = await keySet;
    try {
      return await getKey(header, token);
    } catch (error) {
      if (!keySetUnavailable(error)) throw error;
      throw new IdentityUnavailableError(
        `the identity provider's keys (${url.href}) could not be fetched (${(error as Error).message}): nobody can be verified until it answers; check the JWKS URL and the provider`,
        { cause: error },
      );
    }
  };
}

/** The key set's fetch failed, timed out, or did not hold a key set (not anything about the token). */
function keySetUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  // Not one of jose's own errors: the fetch itself failed (refused, reset, DNS).
  if (typeof code !== "string" || !/^ERR_J(OSE|WT|WS|WK|WE)/.test(code)) return true;
  // A timeout, a body that is no key set, and a non-200 answer (jose's generic error).
  return code === "ERR_JWKS_TIMEOUT" || code === "ERR_JWKS_INVALID" || code === "ERR_JOSE_GENERIC";
}

function jwksUrlOf(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch (cause) {
    throw new IdentityConfigError(
      `the JWKS URL ${JSON.stringify(value)} is not a URL: give the full address, e.g. https://login.example.com/.well-known/jwks.json`,
      { cause },
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new IdentityConfigError(`the JWKS URL ${value} must be http(s), not ${url.protocol}`);
  }
  return url;
}

function allowedAlgorithms(given: readonly string[] | undefined): string[] {
  const allowed: readonly string[] = ASYMMETRIC_ALGORITHMS;
  const algorithms = [...(given ?? allowed)];
  const refused = algorithms.filter((alg) => !allowed.includes(alg));
  if (algorithms.length === 0 || refused.length > 0) {
    throw new IdentityConfigError(
      `jwtIdentity algorithms must be asymmetric (${allowed.join(", ")}); refused: ${refused.join(", ") || "(none given)"}`,
    );
  }
  return algorithms;
}

function expectedIssuerAndAudience(options: JwtIdentityOptions): {
  issuer?: string | string[];
  audience?: string | string[];
} {
  const { issuer, audience } = options;
  const missing = [issuer ? undefined : "issuer", audience ? undefined : "audience"].filter(Boolean);
  if (missing.length > 0 && !options.insecureAcceptAnyIssuerAndAudience) {
    throw new IdentityConfigError(
      `jwtIdentity needs the expected ${missing.join(" and ")}: without them a token your identity provider minted for any other app is accepted. Set them, or pass insecureAcceptAnyIssuerAndAudience: true if this provider serves only this app`,
    );
  }
  return { ...(issuer ? { issuer } : {}), ...(audience ? { audience } : {}) };
}

function tenantResolver(options: JwtIdentityOptions): (payload: JWTPayload) => string | undefined {
  const { tenantClaim, tenant } = options;
  if (tenantClaim && tenant) {
    throw new IdentityConfigError("jwtIdentity takes tenantClaim or tenant, not both");
  }
  if (tenantClaim) return (payload) => stringClaim(payload, tenantClaim);
  if (tenant && tenant.trim() !== "") return () => tenant;
  throw new IdentityConfigError(
    "jwtIdentity needs tenantClaim (the claim naming the customer's Connected User id, e.g. org_id) or, for a single-tenant deployment, tenant",
  );
}

function stringClaim(payload: JWTPayload, name: string): string | undefined {
  const value = payload[name];
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}
