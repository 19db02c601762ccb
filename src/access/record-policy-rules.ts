import type { SyncDescription } from "./sync-catalog.js";
import type { RecordPolicyName } from "./types.js";

/**
 * Which policy decides the records of matching syncs. Every selector given must match (integration
 * and pipeline are the usual pair); the first matching rule wins; a sync no rule matches is `deny`.
 *
 * @example { integration: "salesforce", pipeline: "deals", policy: "owner" }
 * @example { pipeline: "tickets", policy: "tenant" }
 */
export interface RecordPolicyRule {
  integration?: string;
  pipeline?: string;
  configurationName?: string;
  syncId?: string;
  policy: RecordPolicyName;
  /**
   * For `owner`: the record field naming its owner(s), a dotted path. Default `ownerId` for
   * contacts, companies and deals, `assignees` for tickets. It may hold an owner id (mapped to an
   * email by the owner directory), an email, a person `{id?, email?}`, or a list of those.
   */
  ownerField?: string;
}

const DEFAULT_OWNER_FIELD: Record<string, string> = {
  contacts: "ownerId",
  companies: "ownerId",
  deals: "ownerId",
  tickets: "assignees",
};

/** The first rule naming a sync; undefined when none does (its records are then denied by default). */
export function ruleFor(
  rules: readonly RecordPolicyRule[],
  sync: SyncDescription,
): RecordPolicyRule | undefined {
  return rules.find(
    (r) =>
      (r.integration === undefined || r.integration === sync.integration) &&
      (r.pipeline === undefined || r.pipeline === sync.pipeline) &&
      (r.configurationName === undefined || r.configurationName === sync.configurationName) &&
      (r.syncId === undefined || r.syncId === sync.id),
  );
}

/** The rule deciding a record sync, or the default: deny. */
export function policyFor(
  rules: readonly RecordPolicyRule[],
  sync: SyncDescription,
): { policy: RecordPolicyName; ownerField: string | undefined } {
  const rule = ruleFor(rules, sync);
  if (!rule) return { policy: "deny", ownerField: undefined };
  return { policy: rule.policy, ownerField: rule.ownerField ?? DEFAULT_OWNER_FIELD[sync.pipeline] };
}

/** Checks rules a program builds (config goes through its zod schema): each needs a selector. */
export function checkRules(rules: readonly RecordPolicyRule[]): string | undefined {
  for (const [i, rule] of rules.entries()) {
    if (!["deny", "tenant", "owner"].includes(rule.policy)) {
      return `policies[${i}].policy must be deny, tenant or owner (got ${JSON.stringify(rule.policy)})`;
    }
    if (
      [rule.integration, rule.pipeline, rule.configurationName, rule.syncId].every((s) => s === undefined)
    ) {
      return `policies[${i}] names no sync: give integration and pipeline (or syncId)`;
    }
  }
  return undefined;
}
