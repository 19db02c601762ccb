import { timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import type { EmulatorEnv } from "./env.js";
import { errorResponse } from "./http-errors.js";
import { TokenError, type TokenKeys, verifyToken } from "./keys.js";

function bearer(header: string | undefined): string | undefined {
  const match = header?.match(/^Bearer\s+(.+)$/i);
  return match?.[1]?.trim();
}

/**
 * Requires a valid Paragon User Token of a Connected User whose credentials were not revoked, and
 * puts its `sub` in `c.var.tenant`; otherwise 401 JSON.
 */
export function requireUserToken(
  keys: TokenKeys,
  projectId: string,
  revoked: ReadonlySet<string> = new Set(),
): MiddlewareHandler<EmulatorEnv> {
  return async (c, next) => {
    const token = bearer(c.req.header("Authorization"));
    if (!token) {
      return errorResponse(c, 401, "UNAUTHORIZED", "send Authorization: Bearer <Paragon User Token>");
    }
    try {
      const tenant = await verifyToken(keys, projectId, token);
      if (revoked.has(tenant)) {
        return errorResponse(
          c,
          401,
          "USER_REVOKED",
          `the credentials of Connected User ${tenant} were revoked`,
        );
      }
      c.set("tenant", tenant);
    } catch (error) {
      if (error instanceof TokenError) return errorResponse(c, 401, error.code, error.message);
      throw error;
    }
    await next();
  };
}

/** Requires the admin bearer token (compared in constant time). */
export function requireAdminToken(adminToken: string): MiddlewareHandler<EmulatorEnv> {
  const expected = Buffer.from(adminToken);
  return async (c, next) => {
    const given = Buffer.from(bearer(c.req.header("Authorization")) ?? "");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return errorResponse(
        c,
        401,
        "UNAUTHORIZED",
        "the admin API needs Authorization: Bearer <admin token> (printed at start, or emu.adminToken)",
      );
    }
    await next();
  };
}
