import { z } from "zod";
import { CorpusError } from "./errors.js";

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

/** The zod schema of `manifest.yaml` (docs/corpus-manifest.md). */
export const manifestSchema = z
  .object({
    version: z.literal(1, { error: () => "must be 1" }).default(1),
    project: z
      .object({ id: z.string().min(1) })
      .strict()
      .optional(),
    domain: z.string().min(1),
    people: z
      .array(z.looseObject({ email, name: z.string().optional(), title: z.string().optional() }))
      .default([]),
    groups: z
      .array(
        z
          .object({
            id: z.string().min(1),
            name: z.string().optional(),
            members: z.array(z.string().min(1)).default([]),
          })
          .strict(),
      )
      .default([]),
    connectedUsers: z
      .array(z.object({ id: z.string().min(1), syncs: z.array(syncInput).default([]) }).strict())
      .min(1, { error: () => "must list at least one Connected User" }),
    sharing: z.record(z.string(), sharingEntry.nullable()).default({}),
  })
  .strict();

/** What a manifest may contain before defaults are applied (what tests and benches build in memory). */
export type ManifestInput = z.input<typeof manifestSchema>;
/** A validated manifest with defaults applied. */
export type Manifest = z.output<typeof manifestSchema>;
export type ManifestGrant = z.output<typeof grantInputSchema>;
export type ManifestSharingEntry = z.output<typeof sharingEntry>;

/** The project id used when the manifest names none. */
export const DEFAULT_PROJECT_ID = "0c6a3c8e-5a0e-4d43-9a51-2b1f7f0e9d11";

/**
 * Validates a manifest and its cross-references (people, groups, sync roots named in sharing).
 * @example parseManifest(YAML.parse(text), "examples/corpus/manifest.yaml")
 */
export function parseManifest(input: unknown, source = "manifest.yaml"): Manifest {
  const parsed = manifestSchema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues
      .slice(0, 5)
      .map((issue) => `${source}: ${formatPath(issue.path)}${issue.message}`);
    throw new CorpusError(lines.join("\n"));
  }
  checkReferences(parsed.data, source);
  return parsed.data;
}

/** The sync root a sharing key belongs to, and the path below it ("" for the root itself). */
export function splitSharingKey(manifest: Manifest, key: string): { root: string; path: string } | undefined {
  const roots = syncRoots(manifest);
  const root = roots
    .filter((r) => key === `${r}/` || key === r || key.startsWith(`${r}/`))
    .sort((a, b) => b.length - a.length)[0];
  if (root === undefined) return undefined;
  return { root, path: trimSlashes(key.slice(root.length)) };
}

export function trimSlashes(path: string): string {
  return path.replace(/^\/+|\/+$/g, "");
}

function checkReferences(manifest: Manifest, source: string): void {
  const errors: string[] = [];
  const people = new Set<string>();
  manifest.people.forEach((p, i) => {
    if (people.has(p.email.toLowerCase())) errors.push(`people[${i}].email "${p.email}" is listed twice`);
    people.add(p.email.toLowerCase());
  });
  const groups = new Set<string>();
  manifest.groups.forEach((g, i) => {
    if (groups.has(g.id)) errors.push(`groups[${i}].id "${g.id}" is listed twice`);
    groups.add(g.id);
  });
  const person = (value: string, where: string) => {
    if (!people.has(value.toLowerCase())) errors.push(`${where} "${value}" is not in people: add them there`);
  };
  const group = (value: string, where: string) => {
    if (!groups.has(value)) errors.push(`${where} "${value}" is not a group id: add it to groups`);
  };
  manifest.groups.forEach((g, i) => {
    g.members.forEach((m, j) => {
      const where = `groups[${i}].members[${j}]`;
      if (m.startsWith("group:")) group(m.slice("group:".length), where);
      else person(m, where);
    });
  });
  const users = new Set<string>();
  manifest.connectedUsers.forEach((u, i) => {
    if (users.has(u.id)) errors.push(`connectedUsers[${i}].id "${u.id}" is listed twice`);
    users.add(u.id);
    const identities = new Set<string>();
    u.syncs.forEach((s, j) => {
      person(s.owner, `connectedUsers[${i}].syncs[${j}].owner`);
      const identity = `${s.integration}/${s.pipeline}/${s.configurationName}`;
      if (identities.has(identity)) {
        errors.push(
          `connectedUsers[${i}].syncs[${j}] repeats ${identity}: give it another configurationName`,
        );
      }
      identities.add(identity);
    });
  });
  for (const [key, entry] of Object.entries(manifest.sharing)) {
    const at = `sharing.${JSON.stringify(key)}`;
    if (!splitSharingKey(manifest, key)) {
      errors.push(`${at} does not start with a sync root (${rootsOf(manifest).join(", ")})`);
    }
    if (!entry) continue;
    if (entry.owner) person(entry.owner, `${at}.owner`);
    entry.grants.forEach((g, i) => {
      if (g.user) person(g.user, `${at}.grants[${i}].user`);
      if (g.group) group(g.group, `${at}.grants[${i}].group`);
    });
  }
  if (errors.length > 0) throw new CorpusError(errors.map((e) => `${source}: ${e}`).join("\n"));
}

function rootsOf(manifest: Manifest): string[] {
  return syncRoots(manifest).map((root) => `${root}/`);
}

/** The folder of every files sync, trimmed. */
export function syncRoots(manifest: Manifest): string[] {
  return manifest.connectedUsers.flatMap((u) =>
    u.syncs.flatMap((s) => (s.root === undefined ? [] : [trimSlashes(s.root)])),
  );
}

/** The records file of every CRM or ticketing sync, trimmed. */
export function recordFiles(manifest: Manifest): string[] {
  return manifest.connectedUsers.flatMap((u) =>
    u.syncs.flatMap((s) => (s.records === undefined ? [] : [trimSlashes(s.records)])),
  );
}

// Renders a zod issue path as the manifest's own notation: sharing."drive/HR/".grants[0].role
function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "";
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else if (typeof part === "string" && /^[A-Za-z_][\w]*$/.test(part)) out += out ? `.${part}` : part;
    else out += `${out ? "." : ""}${JSON.stringify(String(part))}`;
  }
  return `${out} `;
}
