import { z } from "zod";

const email = z.email({ error: (issue) => `must be an email address (got ${JSON.stringify(issue.input)})` });
const name = z.string().min(1);

/** One rule of `records.policies`: which record syncs it names, and the policy deciding their records. */
export const recordPolicyRuleSchema = z
  .object({
    integration: z
      .string()
      .regex(/^[a-z0-9]+$/, { error: () => "must be lowercase letters and digits, e.g. salesforce" })
      .optional(),
    pipeline: name.optional(),
    configurationName: name.optional(),
    syncId: name.optional(),
    policy: z.enum(["deny", "tenant", "owner"], { error: () => "must be deny, tenant or owner" }),
    /** For `owner`: the field naming the owner (default ownerId; tickets: assignees). */
    ownerField: name.optional(),
  })
  .strict()
  .refine((rule) => rule.integration || rule.pipeline || rule.configurationName || rule.syncId, {
    message: "names no sync: give integration and pipeline (or syncId)",
  });

/** An email domain of the tenant's people: `northwind.test`, never `*`. */
const domain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, {
    error: () => "must be an email domain like northwind.test (no *, no @)",
  });

/**
 * How CRM and ticketing records are treated: they have no Permissions API, so each sync gets a
 * policy (`deny` unless a rule names it), members are who `tenant` allows outside a verified
 * identity, and owners map CRM owner ids to people (for `owner`, and to name owners in the text).
 */
export const recordsSchema = z
  .object({
    policies: z.array(recordPolicyRuleSchema).default([]),
    members: z
      .object({
        /** Every tenant's members (a deployment serving one tenant). */
        domains: z.array(domain).min(1).optional(),
        /** Per tenant (Connected User id): the domains of its people. */
        tenants: z.record(z.string().min(1), z.array(domain).min(1)).optional(),
      })
      .strict()
      .refine((m) => m.domains || m.tenants, { message: "give domains, or tenants: { <tenant>: [domains] }" })
      .optional(),
    owners: z.record(name, z.union([email, z.object({ email, name: name.optional() }).strict()])).default({}),
  })
  .strict();

export type RecordsConfig = z.infer<typeof recordsSchema>;

/** `retrieval.tenantWideSyncs` is refused with what to write instead. */
export const removedTenantWideSyncs = z
  .never({
    error: () =>
      "was removed: it let ANY subject (another company's people, `*`) read those syncs. Give each CRM/ticketing " +
      "sync a record policy instead: records.policies: [{ syncId: <id>, policy: tenant }], with records.members.domains " +
      "(or a verified identity in serve) saying who the tenant's members are. See docs/records.md",
  })
  .optional();

/**
 * One domain list for every tenant would make one company's people members of the others: with
 * several tenants (or discovery), members must be given per tenant.
 */
export function membersProblem(
  records: RecordsConfig,
  tenancy: { tenants: readonly string[]; single: boolean },
): string | undefined {
  if (!records.members?.domains || tenancy.single) return undefined;
  return `applies to every tenant, but this deployment serves several (${tenancy.tenants.join(", ") || "discovered"}): give records.members.tenants: { <tenant>: [domains] } instead`;
}

/**
 * The record policies of one tenant's retriever: the policies and owners, and that tenant's member
 * domains (its own under `members.tenants`, else `members.domains`), if any.
 *
 * @example createManagedSyncRetriever({ ..., records: recordsForTenant(config.records, tenant) })
 */
export function recordsForTenant(
  records: RecordsConfig,
  tenant: string,
): Pick<RecordsConfig, "policies" | "owners"> & { members?: { domains: string[] } } {
  const domains = records.members?.tenants?.[tenant] ?? records.members?.domains;
  return { policies: records.policies, owners: records.owners, ...(domains ? { members: { domains } } : {}) };
}
