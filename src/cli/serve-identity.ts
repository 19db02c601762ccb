import type { ClearanceConfig } from "../config/index.js";
import { ClearanceError } from "../errors.js";
import { DEV_TENANT_HEADER, DEV_USER_HEADER, type Identify, jwtIdentity } from "../tenants/index.js";

/** The identity flags of `clearance serve`. */
export interface ServeIdentityFlags {
  devIdentity?: boolean;
  jwksUrl?: string;
  jwtIssuer?: string;
  jwtAudience?: string;
  jwtClaim?: string;
  jwtTenantClaim?: string;
  insecureAnyJwtIssuerAndAudience?: boolean;
}

export type ServeIdentity =
  | { mode: "dev-header"; identify?: undefined }
  | { mode: "jwt"; identify: Identify; insecure: boolean };

/**
 * How `clearance serve` learns who asks, in which tenant: verified JWTs (flags win over the config's
 * `auth` section, so a deploy sets it once), or the development headers. Refuses to guess: no
 * method, both methods, no expected issuer and audience (unless the loud opt-out), or several
 * tenants without a tenant claim are startup errors saying what to pass. `fixedTenant` is the one
 * tenant a single-tenant deployment serves (its tokens need no tenant claim).
 */
export function serveIdentity(
  flags: ServeIdentityFlags,
  config: ClearanceConfig,
  fixedTenant: string | undefined,
  /** The command the errors name (`clearance mcp --http` verifies tokens the same way). */
  command: "serve" | "mcp --http" = "serve",
): ServeIdentity {
  const jwksUrl = flags.jwksUrl ?? (flags.devIdentity ? undefined : config.auth.jwksUrl);
  if (jwksUrl && flags.devIdentity) {
    throw new ClearanceError(
      "SERVE_IDENTITY_CONFLICT",
      "choose one of --jwks-url and --dev-identity, not both",
    );
  }
  if (flags.devIdentity) return { mode: "dev-header" };
  if (!jwksUrl) {
    throw new ClearanceError(
      "SERVE_NO_IDENTITY",
      `${command} must know who is asking: pass --jwks-url <url> or set CLEARANCE_JWKS_URL (verify bearer JWTs), or --dev-identity for local development only (trusts the ${DEV_TENANT_HEADER} and ${DEV_USER_HEADER} headers), or use --demo`,
    );
  }
  const issuer = flags.jwtIssuer ?? config.auth.issuer;
  const audience = flags.jwtAudience ?? config.auth.audience;
  const insecure = flags.insecureAnyJwtIssuerAndAudience ?? config.auth.insecureAcceptAnyIssuerAndAudience;
  if (!insecure && !(issuer && audience)) {
    const missing = [
      issuer ? undefined : "--jwt-issuer / CLEARANCE_JWT_ISSUER",
      audience ? undefined : "--jwt-audience / CLEARANCE_JWT_AUDIENCE",
    ].filter(Boolean);
    throw new ClearanceError(
      "SERVE_JWT_AUDIENCE_MISSING",
      `${command} needs the expected issuer and audience of bearer tokens (missing: ${missing.join(", ")}): otherwise a token your identity provider minted for any other app reads here. If this provider serves only this app, pass --insecure-any-jwt-issuer-and-audience (CLEARANCE_JWT_INSECURE_ANY_ISSUER_AND_AUDIENCE=true)`,
    );
  }
  const tenantClaim = flags.jwtTenantClaim ?? config.auth.tenantClaim;
  if (!tenantClaim && !fixedTenant) {
    throw new ClearanceError(
      "SERVE_TENANT_CLAIM_MISSING",
      `${command} answers several tenants, so each bearer token must say whose it is: pass --jwt-tenant-claim <claim> or set CLEARANCE_JWT_TENANT_CLAIM (e.g. org_id, holding the Connected User id)`,
    );
  }
  return {
    mode: "jwt",
    insecure,
    identify: jwtIdentity({
      jwksUrl,
      ...(issuer ? { issuer } : {}),
      ...(audience ? { audience } : {}),
      claim: flags.jwtClaim ?? config.auth.claim,
      ...(tenantClaim ? { tenantClaim } : { tenant: fixedTenant }),
      ...(insecure ? { insecureAcceptAnyIssuerAndAudience: true } : {}),
    }),
  };
}
