import { ClearanceError } from "../errors.js";

/** A request named a tenant this deployment does not serve (not configured, not discovered). */
export class UnknownTenantError extends ClearanceError {
  /** What the person asking is told (a 403): the message is advice to the operator, naming the tenant. */
  static readonly forCaller = "your organisation is not served by this deployment";

  constructor(
    readonly tenant: string,
    why = "add it to tenants (CLEARANCE_TENANTS) or turn on tenant discovery",
  ) {
    super("TENANT_UNKNOWN", `tenant ${tenant} is not served here: ${why}`);
  }
}

/** The tenant settings cannot work (no tenant at all, a token for another tenant, …). */
export class TenantConfigError extends ClearanceError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** The bearer token was missing a claim, expired, unverified, or failed verification. */
export class IdentityError extends ClearanceError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("IDENTITY_INVALID", message, options);
  }
}

/**
 * Who is asking could not be verified because the identity provider did not answer (its key set
 * could not be fetched or read): not the token's fault, so not a 401 telling the person to sign in
 * again (an MCP client would start its sign-in over). Nothing is answered until it is back.
 */
export class IdentityUnavailableError extends ClearanceError {
  /** What the person asking is told (a 503 to retry): the message names the provider's URL. */
  static readonly forCaller =
    "who is asking could not be verified just now (the sign-in provider did not answer): try again in a moment";

  constructor(message: string, options?: { cause?: unknown }) {
    super("IDENTITY_UNAVAILABLE", message, options);
  }
}

/** An identity resolver was set up in a way that cannot verify anyone safely. */
export class IdentityConfigError extends ClearanceError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("IDENTITY_CONFIG_INVALID", message, options);
  }
}

/** A call that must name its tenant did not (a multi-tenant retriever invoked without `configurable.tenant`). */
export class NoTenantError extends ClearanceError {
  constructor() {
    super(
      "NO_TENANT",
      "no tenant: pass { configurable: { tenant, user } } to a multi-tenant retriever, or use forTenant(tenant); Clearance never picks a default tenant",
    );
  }
}
