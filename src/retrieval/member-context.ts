import type { AccessContext, AccessControl } from "../access/index.js";
import type { EnforcementContext } from "./context.js";

/**
 * The enforcement context of views whose subject the caller vouched for as a member of the tenant
 * (`forUser(email, { member: true })`): the same store, access and settings, the verified flag on
 * every access call, and caches of its own, so nothing decided for a verified member is reused by
 * an unverified call for the same email.
 */
export function memberContext(
  base: EnforcementContext,
  caches: Pick<EnforcementContext, "decisions" | "allowSets" | "knowledge">,
): EnforcementContext {
  return { ...base, ...caches, access: withContext(base.access, { member: true }) };
}

/** An `AccessControl` that adds `context` to every call. */
function withContext(access: AccessControl, context: AccessContext): AccessControl {
  return {
    batchCheck: (subject, objects, relation, signal, given) =>
      access.batchCheck(subject, objects, relation, signal, { ...given, ...context }),
    listObjects: (subject, relation, syncId, signal, given) =>
      access.listObjects(subject, relation, syncId, signal, { ...given, ...context }),
    ...(access.policyOf ? { policyOf: access.policyOf.bind(access) } : {}),
    ...(access.unnamedSync ? { unnamedSync: access.unnamedSync.bind(access) } : {}),
  };
}
