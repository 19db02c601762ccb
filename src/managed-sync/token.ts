import { createPrivateKey, type KeyObject } from "node:crypto";
import { decodeJwt } from "jose/jwt/decode";
import { ManagedSyncTokenError } from "./errors.js";

/** An RSA private key: PEM text (PKCS#8 `BEGIN PRIVATE KEY` or PKCS#1 `BEGIN RSA PRIVATE KEY`), a WebCrypto key or a Node KeyObject. */
export type SigningKey = string | CryptoKey | KeyObject;

/** What `mintUserToken` needs: the project's signing key, the project id (for `aud`) and the Connected User id (`sub`). */
export interface MintUserTokenOptions {
  signingKey: SigningKey;
  projectId: string;
  /** The Connected User id; becomes the token's `sub`. */
  userId: string;
  /** Lifetime in seconds (default 3600). */
  ttlSeconds?: number;
  /** Host part of `aud` (default `useparagon.com`); on-prem installs use their own hostname. */
  audienceHost?: string;
  /** Clock in milliseconds since the epoch (default `Date.now`); tests inject one. */
  now?: () => number;
}

const DEFAULT_TTL_SECONDS = 3600;

/**
 * Mints a Paragon user token: RS256 JWT with `sub`, `iat`, `exp` and `aud = useparagon.com/{projectId}`.
 *
 * @example
 * const token = await mintUserToken({ signingKey: process.env.PARAGON_SIGNING_KEY!, projectId, userId: "acme" });
 */
export async function mintUserToken(options: MintUserTokenOptions): Promise<string> {
  const ttl = options.ttlSeconds ?? DEFAULT_TTL_SECONDS;
  if (!Number.isFinite(ttl) || ttl <= 0) {
    throw new ManagedSyncTokenError("TOKEN_INVALID", `ttlSeconds must be a positive number, got ${ttl}`);
  }
  const iat = Math.floor((options.now ?? Date.now)() / 1000);
  // Loaded at the first token, not by `import "clearance"` (jose's index is ~50 modules).
  const { SignJWT } = await import("jose/jwt/sign");
  return new SignJWT({})
    .setProtectedHeader({ alg: "RS256", typ: "JWT" })
    .setSubject(options.userId)
    .setAudience(paragonAudience(options.projectId, options.audienceHost))
    .setIssuedAt(iat)
    .setExpirationTime(iat + Math.ceil(ttl))
    .sign(toKey(options.signingKey));
}

/** The `aud` Managed Sync expects: `"{host}/{projectId}"`, host defaulting to `useparagon.com`. */
export function paragonAudience(projectId: string, host = "useparagon.com"): string {
  return `${host}/${projectId}`;
}

/** How the client authenticates: a ready token, a signing key to mint from, or a function you own. */
export type ManagedSyncAuth =
  | { token: string }
  | Omit<MintUserTokenOptions, "now">
  | { getToken: (signal?: AbortSignal) => Promise<string> };

/** Supplies the bearer token for each request. */
export interface TokenSource {
  token(signal?: AbortSignal): Promise<string>;
}

/** Builds the token source for `auth`: minted tokens are cached and re-minted shortly before they expire. */
export function createTokenSource(auth: ManagedSyncAuth, now: () => number = Date.now): TokenSource {
  if ("token" in auth) return new StaticToken(auth.token, now);
  if ("getToken" in auth) return { token: (signal) => auth.getToken(signal) };
  return new MintedToken(auth, now);
}

class StaticToken implements TokenSource {
  private readonly expiresAtMs: number | undefined;

  constructor(
    private readonly value: string,
    private readonly now: () => number,
  ) {
    this.expiresAtMs = readExpiry(value);
  }

  async token(): Promise<string> {
    if (this.expiresAtMs !== undefined && this.now() >= this.expiresAtMs) {
      throw new ManagedSyncTokenError(
        "TOKEN_EXPIRED",
        `The Paragon user token expired at ${new Date(this.expiresAtMs).toISOString()}: pass a fresh token, or pass { signingKey, projectId, userId } so the client mints and refreshes its own`,
      );
    }
    return this.value;
  }
}

class MintedToken implements TokenSource {
  private current: { value: string; refreshAtMs: number } | undefined;
  private pending: Promise<string> | undefined;
  private readonly ttlSeconds: number;

  constructor(
    private readonly options: Omit<MintUserTokenOptions, "now">,
    private readonly now: () => number,
  ) {
    this.ttlSeconds = options.ttlSeconds ?? DEFAULT_TTL_SECONDS;
  }

  async token(): Promise<string> {
    if (this.current && this.now() < this.current.refreshAtMs) return this.current.value;
    // Concurrent requests share one signing operation instead of each minting a token.
    this.pending ??= this.mint().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async mint(): Promise<string> {
    const issuedAtMs = this.now();
    const value = await mintUserToken({ ...this.options, now: this.now });
    // Refresh ahead of expiry: 60 s before, or 10% of the lifetime for short-lived tokens.
    const marginMs = Math.min(60_000, this.ttlSeconds * 100);
    this.current = { value, refreshAtMs: issuedAtMs + this.ttlSeconds * 1000 - marginMs };
    return value;
  }
}

function toKey(key: SigningKey): CryptoKey | KeyObject {
  if (typeof key !== "string") return key;
  try {
    // Keys pasted into env files often carry literal "\n" instead of line breaks.
    return createPrivateKey(key.includes("\\n") ? key.replaceAll("\\n", "\n") : key);
  } catch (cause) {
    throw new ManagedSyncTokenError(
      "TOKEN_INVALID",
      "The signing key is not a PEM RSA private key: use the Signing Key from Paragon's Settings > SDK Setup (-----BEGIN PRIVATE KEY----- ...)",
      { cause },
    );
  }
}

function readExpiry(token: string): number | undefined {
  try {
    const { exp } = decodeJwt(token);
    return typeof exp === "number" ? exp * 1000 : undefined;
  } catch {
    // Not a JWT we can read (an opaque token): let the server judge it.
    return undefined;
  }
}
