import { z } from "zod";
import { type OwnersInput, ownerEntryIn } from "../records/index.js";

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

/** A person an owner id stands for: `maya@northwind.test`, or `{ email, name }`. */
const ownerEntry = z.union(
  [email, z.object({ email, name: z.string().min(1, "must not be empty").optional() }).strict()],
  {
    error: (issue) =>
      `must be the owner's email, or { email, name } (got ${JSON.stringify(issue.input) ?? "nothing"})`,
  },
);

/** Owner ids (or `<integration>:<owner id>`) → people. */
const ownerMap = z.record(name, ownerEntry, {
  error: () => "must map owner ids to people: { <owner id>: email } or { <owner id>: { email, name } }",
});

/**
 * How CRM and ticketing records are treated: they have no Permissions API, so each sync gets a
 * policy (`deny` unless a rule names it), members are who `tenant` allows outside a verified
 * identity, and owners map CRM owner ids to people (for `owner`, and to name owners in the text):
 * `owners` for every tenant, `ownersByTenant` for one (its entries win), as ids of some
 * integrations (HubSpot owners, Zendesk users) are numbers unique only within one customer account.
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
    owners: ownerMap.default({}),
    /** Per tenant (Connected User id): its own owner ids → people, over `owners`. */
    ownersByTenant: z
      .record(z.string().min(1), ownerMap, {
        error: () =>
          "must map tenants to their owners: { <tenant>: { <owner id>: email or { email, name } } }",
      })
      .default({}),
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
 * The record policies of one tenant's retriever: the policies, that tenant's owners
 * (`ownersForTenant`), and its member domains (its own under `members.tenants`, else
 * `members.domains`), if any.
 *
 * @example createManagedSyncRetriever({ ..., records: recordsForTenant(config.records, tenant) })
 */
export function recordsForTenant(
  records: RecordsConfig,
  tenant: string,
): Pick<RecordsConfig, "policies"> & { owners: OwnersInput; members?: { domains: string[] } } {
  const domains = records.members?.tenants?.[tenant] ?? records.members?.domains;
  return {
    policies: records.policies,
    owners: ownersForTenant(records, tenant),
    ...(domains ? { members: { domains } } : {}),
  };
}

/**
 * Whom one tenant's owner ids name, for ingest (owners in the text) and the `owner` policy alike:
 * the tenant's `ownersByTenant` entry for an id, else the shared `owners` one. The tenant's map is
 * searched whole first, so its bare `7` wins over a shared `hubspot:7` too.
 *
 * @example ingestTenants({ ..., ownersFor: (tenant) => ownersForTenant(config.records, tenant) })
 */
export function ownersForTenant(records: RecordsConfig, tenant: string): OwnersInput {
  const own = Object.hasOwn(records.ownersByTenant, tenant) ? records.ownersByTenant[tenant] : undefined;
  if (!own || Object.keys(own).length === 0) return records.owners;
  const shared = records.owners;
  return (ownerId, integration) =>
    ownerEntryIn(own, ownerId, integration) ?? ownerEntryIn(shared, ownerId, integration);
}

/**
 * Shared owner ids that look account-scoped (numbers: HubSpot owners, Zendesk users) in a deployment
 * serving several tenants: the same number in two customers' accounts is two people, and one map
 * would write tenant A's person into tenant B's records. A warning, not a refusal: the shared map is
 * right for ids unique across accounts (Salesforce, ServiceNow, Jira), and one integration with
 * numeric ids used by a single tenant is fine too.
 */
export function sharedOwnersWarning(
  records: RecordsConfig,
  tenancy: { tenants: readonly string[]; single: boolean },
): string | undefined {
  if (tenancy.single) return undefined;
  const numeric = Object.keys(records.owners).filter((key) => /^(?:[a-z0-9]+:)?\d+$/.test(key));
  if (numeric.length === 0) return undefined;
  const shown = numeric.slice(0, 3).join(", ") + (numeric.length > 3 ? ", …" : "");
  return (
    `records.owners applies to every tenant (${tenancy.tenants.join(", ") || "discovered"}), but ${numeric.length} of its owner ids look account-scoped (${shown}): ` +
    "numeric ids such as HubSpot owners' or Zendesk users' repeat across customer accounts, and would name one tenant's person in another's records. " +
    "Move them to records.ownersByTenant: { <tenant>: { <owner id>: email } } (see docs/records.md)"
  );
}

/**
 * Tenant ids under `records.ownersByTenant` and `records.members.tenants` that this deployment does
 * not serve (a fixed list, not discovered ones): a misspelt id is otherwise silent, and the tenant
 * it meant gets no owners or members of its own (its `owner` and `tenant` syncs then admit fewer
 * people than configured). A warning, not a refusal: one file may configure several deployments.
 */
export function unservedTenantsWarning(
  records: RecordsConfig,
  tenancy: { tenants: readonly string[]; discover: boolean },
): string | undefined {
  if (tenancy.discover || tenancy.tenants.length === 0) return undefined;
  const served = new Set(tenancy.tenants);
  const unserved = [
    ...Object.keys(records.ownersByTenant).map((tenant) => ["records.ownersByTenant", tenant] as const),
    ...Object.keys(records.members?.tenants ?? {}).map(
      (tenant) => ["records.members.tenants", tenant] as const,
    ),
  ].filter(([, tenant]) => !served.has(tenant));
  if (unserved.length === 0) return undefined;
  const named = unserved.map(([where, tenant]) => `${tenant} (${where})`).join(", ");
  return (
    `${named}: ${unserved.length === 1 ? "a tenant" : "tenants"} this deployment does not serve (it serves ${tenancy.tenants.join(", ")}). ` +
    "A misspelt tenant id leaves the tenant it meant without its own owners or members: correct it to a served tenant's Connected User id, " +
    "or ignore this if the file also configures other deployments"
  );
}
