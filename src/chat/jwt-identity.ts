import { createRemoteJWKSet, type JWTVerifyGetKey, jwtVerify } from "jose";
import { ClearanceError } from "../errors.js";
import { ChatConfigError } from "./errors.js";
import type { Identify } from "./handler.js";

export interface JwtIdentityOptions {
  /** Your identity provider's JWKS, e.g. `https://login.example.com/.well-known/jwks.json`. */
  jwksUrl?: string;
  /** Or a key: an HMAC secret (bytes) or a public `CryptoKey`. */
  key?: Uint8Array | CryptoKey;
  issuer?: string;
  audience?: string;
  /** The claim holding the email (default `email`). */
  claim?: string;
}

/** The bearer token was missing its claim, expired, or failed verification. */
export class IdentityError extends ClearanceError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("IDENTITY_INVALID", message, options);
  }
}

/**
 * Production identity: verifies `Authorization: Bearer <JWT>` (signature, expiry, issuer, audience)
 * and returns its email claim. No token: undefined (a 401). A bad token throws (also a 401).
 *
 * @example
 * createChatHandler({ retriever, identify: jwtIdentity({ jwksUrl, issuer, audience: "clearance" }) });
 */
export function jwtIdentity(options: JwtIdentityOptions): Identify {
  const key: Uint8Array | CryptoKey | JWTVerifyGetKey | undefined = options.jwksUrl
    ? createRemoteJWKSet(new URL(options.jwksUrl))
    : options.key;
  if (!key) throw new ChatConfigError("jwtIdentity needs jwksUrl or key to verify tokens with");
  const claim = options.claim ?? "email";
  const verifyOptions = {
    ...(options.issuer ? { issuer: options.issuer } : {}),
    ...(options.audience ? { audience: options.audience } : {}),
  };
  return async (request) => {
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "");
    if (!match) return undefined;
    let payload: Record<string, unknown>;
    try {
      // Overloads differ by key kind; both branches verify the same way.
      payload = (
        typeof key === "function"
          ? await jwtVerify(match[1]!, key, verifyOptions)
          : await jwtVerify(match[1]!, key, verifyOptions)
      ).payload;
    } catch (error) {
      throw new IdentityError(`the bearer token was refused (${(error as Error).message}): sign in again`, {
        cause: error,
      });
    }
    const value = payload[claim];
    if (typeof value !== "string" || value.trim() === "") {
      throw new IdentityError(
        `the bearer token has no "${claim}" claim: configure the claim holding the email`,
      );
    }
    return value;
  };
}
