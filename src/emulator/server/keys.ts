import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { errors as joseErrors, jwtVerify, SignJWT } from "jose";
import { ClearanceError } from "../../errors.js";

/** The RSA keys user tokens are checked with; `privateKey` is there only when the emulator can mint. */
export interface TokenKeys {
  publicKey: KeyObject;
  privateKey?: KeyObject;
  /** PKCS8 PEM of `privateKey`, for tools that sign their own tokens. */
  privateKeyPem?: string;
  /** Where a generated (dev mode) private key was written, if anywhere. */
  privateKeyPath?: string;
}

export interface KeyOptions {
  /** Verify only: the project's public key (SPKI PEM or KeyObject). */
  publicKey?: string | KeyObject;
  /** The project's Signing Key (PKCS8/PKCS1 PEM or KeyObject): verify and mint. */
  signingKey?: string | KeyObject;
  /** Dev mode: where to keep the generated private key, reused on the next start. */
  devKeyFile?: string;
}

/** A token could not be verified; the message says what was wrong with it. */
export class TokenError extends ClearanceError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("UNAUTHORIZED", message, options);
  }
}

/** Resolves the key material: given keys, or dev mode (a generated RS256 pair, kept in `devKeyFile`). */
export async function resolveKeys(options: KeyOptions): Promise<TokenKeys> {
  if (options.signingKey) {
    const privateKey =
      typeof options.signingKey === "string" ? createPrivateKey(options.signingKey) : options.signingKey;
    return withPem({ publicKey: createPublicKey(privateKey), privateKey });
  }
  if (options.publicKey) {
    return {
      publicKey:
        typeof options.publicKey === "string" ? createPublicKey(options.publicKey) : options.publicKey,
    };
  }
  const file = options.devKeyFile;
  if (file && existsSync(file)) {
    const privateKey = createPrivateKey(await readFile(file, "utf8"));
    return { ...withPem({ publicKey: createPublicKey(privateKey), privateKey }), privateKeyPath: file };
  }
  if (!file) processDevKeys ??= generatePair();
  const keys = withPem(file ? generatePair() : processDevKeys!);
  if (file) {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, keys.privateKeyPem ?? "", { mode: 0o600 });
    keys.privateKeyPath = file;
  }
  return keys;
}

// Dev mode without a key file shares one pair per process: RSA generation costs 0.1–1 s, and
// test suites start many emulators.
let processDevKeys: TokenKeys | undefined;

function generatePair(): TokenKeys {
  const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { publicKey: pair.publicKey, privateKey: pair.privateKey };
}

function withPem(keys: TokenKeys): TokenKeys {
  return { ...keys, privateKeyPem: keys.privateKey?.export({ type: "pkcs8", format: "pem" }).toString() };
}

/** The `aud` a Managed Sync user token must carry. */
export function audienceFor(projectId: string): string {
  return `useparagon.com/${projectId}`;
}

/** Mints a Paragon User Token (RS256, `sub`, `aud`, `iat`, `exp`) as the docs' examples do. */
export async function mintToken(
  keys: TokenKeys,
  projectId: string,
  userId: string,
  expiresIn: string | number = "24h",
): Promise<string> {
  if (!keys.privateKey) {
    throw new ClearanceError(
      "NO_SIGNING_KEY",
      "the emulator was started with a public key only: sign tokens with your project's Signing Key",
    );
  }
  return new SignJWT({})
    .setProtectedHeader({ alg: "RS256", typ: "JWT" })
    .setSubject(userId)
    .setAudience(audienceFor(projectId))
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(keys.privateKey);
}

/** Verifies signature, `aud` and `exp`; returns the Connected User id (`sub`). */
export async function verifyToken(keys: TokenKeys, projectId: string, token: string): Promise<string> {
  try {
    const { payload } = await jwtVerify(token, keys.publicKey, {
      algorithms: ["RS256"],
      audience: audienceFor(projectId),
      requiredClaims: ["sub", "exp"],
    });
    return payload.sub!;
  } catch (cause) {
    throw new TokenError(explain(cause, projectId), { cause });
  }
}

function explain(error: unknown, projectId: string): string {
  if (error instanceof joseErrors.JWTExpired) return "the user token has expired: mint a new one";
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === "aud") return `the user token's aud must be "${audienceFor(projectId)}"`;
    return `the user token's ${error.claim} claim is missing or invalid (${error.reason})`;
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
    return "the user token's signature does not match this project's key: sign it with the project's Signing Key";
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return "the user token must be signed with RS256";
  return "the user token is not a valid JWT: send Authorization: Bearer <Paragon User Token>";
}
