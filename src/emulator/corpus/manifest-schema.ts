import { z } from "zod";

const role = z.enum(["owner", "writer", "reader"], { error: () => "must be owner|writer|reader" });
const email = z.email({ error: (issue) => `must be an email address (got ${JSON.stringify(issue.input)})` });

export const grantInputSchema = z
  .object({
    user: email.optional(),
    group: z.string().min(1).optional(),
    domain: z.string().min(1).optional(),
    anyone: z.enum(["link", "public"], { error: () => "must be link|public" }).optional(),
    role,
  })
  .strict()
  .superRefine((grant, ctx) => {
    const named = ["user", "group", "domain", "anyone"].filter(
      (key) => grant[key as keyof typeof grant] !== undefined,
    );
    if (named.length !== 1) {
      ctx.addIssue({
        code: "custom",
        message: `must name exactly one of user|group|domain|anyone (got ${named.length === 0 ? "none" : named.join(", ")})`,
      });
    }
  });

const sharingEntry = z
  .object({
    owner: email.optional(),
    grants: z.array(grantInputSchema).default([]),
    externalId: z.string().min(1).optional(),
    url: z.url().optional(),
    updatedAt: z.iso.datetime({ offset: true, error: () => "must be an ISO 8601 date-time" }).optional(),
  })
  .strict();

const syncInput = z
  .object({
    integration: z
      .string()
      .regex(/^[a-z0-9]+$/, { error: () => "must be lowercase letters and digits, e.g. googledrive" }),
    pipeline: z.string().min(1).default("files"),
    configurationName: z.string().min(1).default("default"),
    configuration: z.record(z.string(), z.unknown()).default({}),
    /** A files sync: the folder (under the corpus dir) holding its files. */
    root: z.string().min(1).optional(),
    /** A CRM or ticketing sync: a YAML or JSON file (under the corpus dir) listing its records. */
    records: z.string().min(1).optional(),
    owner: email,
  })
  .strict()
  .superRefine((sync, ctx) => {
    if (sync.pipeline === "files") {
      if (!sync.root)
        ctx.addIssue({ code: "custom", path: ["root"], message: "a files sync needs root (its folder)" });
      if (sync.records) {
        ctx.addIssue({
          code: "custom",
          path: ["records"],
          message: "a files sync has no records file: use root",
        });
      }
    } else if (sync.root) {
      ctx.addIssue({
        code: "custom",
        path: ["root"],
        message: `a ${sync.pipeline} sync has no folder: list its records in a file named by records`,
      });
    }
  });

const person = z.looseObject({ email, name: z.string().optional(), title: z.string().optional() });
const group = z
  .object({
    id: z.string().min(1),
    name: z.string().optional(),
    members: z.array(z.string().min(1)).default([]),
  })
  .strict();

/** The people, groups and domain of one company: at the top (one company), or in each Connected User. */
const directory = {
  /** The Workspace domain: "shared with the domain" means everyone whose email is in it. */
  domain: z.string().min(1).optional(),
  people: z.array(person).optional(),
  /** Members are emails or `group:<id>` (nested groups); ids are unique in the whole manifest. */
  groups: z.array(group).optional(),
};

const connectedUser = z
  .object({
    /** The tenant: the Paragon user token's `sub`. */
    id: z.string().min(1),
    /** The company's name, for people reading the manifest and the demo. */
    name: z.string().min(1).optional(),
    ...directory,
    syncs: z.array(syncInput).default([]),
  })
  .strict();

/**
 * The zod schema of `manifest.yaml` (docs/corpus-manifest.md). Two forms: one company, with `domain`, `people`
 * and `groups` at the top and shared by every Connected User; or a company per Connected User, each with its
 * own `domain`, `people` and `groups`.
 */
export const manifestSchema = z
  .object({
    version: z.literal(1, { error: () => "must be 1" }).default(1),
    project: z
      .object({ id: z.string().min(1) })
      .strict()
      .optional(),
    ...directory,
    connectedUsers: z.array(connectedUser).min(1, { error: () => "must list at least one Connected User" }),
    sharing: z.record(z.string(), sharingEntry.nullable()).default({}),
  })
  .strict()
  .superRefine((manifest, ctx) => {
    const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: "custom", path, message });
    if (manifest.domain !== undefined) {
      manifest.connectedUsers.forEach((user, i) => {
        for (const field of ["domain", "people", "groups"] as const) {
          if (user[field] !== undefined) {
            issue(
              ["connectedUsers", i, field],
              "cannot be here when the manifest has a top-level domain (one company shared by every Connected " +
                "User): move domain, people and groups into each Connected User, or keep them all at the top",
            );
          }
        }
      });
      return;
    }
    for (const field of ["people", "groups"] as const) {
      if (manifest[field] !== undefined) {
        issue(
          [field],
          "needs a top-level domain (one company), or belongs in each Connected User with its domain",
        );
      }
    }
    manifest.connectedUsers.forEach((user, i) => {
      if (user.domain === undefined) {
        issue(
          ["connectedUsers", i, "domain"],
          "is required: give each Connected User its domain (and people, groups), or one top-level domain for all",
        );
      }
    });
  });

/** What a manifest may contain before defaults are applied (what tests and benches build in memory). */
export type ManifestInput = z.input<typeof manifestSchema>;
/** A validated manifest with defaults applied. */
export type Manifest = z.output<typeof manifestSchema>;
export type ManifestGrant = z.output<typeof grantInputSchema>;
export type ManifestSharingEntry = z.output<typeof sharingEntry>;
export type ManifestPerson = z.output<typeof person>;
export type ManifestGroup = z.output<typeof group>;
