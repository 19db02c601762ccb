import { type ManifestCompany, manifestCompanies } from "./companies.js";
import { CorpusError } from "./errors.js";
import { type Manifest, manifestSchema } from "./manifest-schema.js";

/** The project id used when the manifest names none. */
export const DEFAULT_PROJECT_ID = "0c6a3c8e-5a0e-4d43-9a51-2b1f7f0e9d11";

/**
 * Validates a manifest and its cross-references (people, groups, sync roots named in sharing), each company's
 * references within that company.
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
  const root = syncRoots(manifest)
    .filter((r) => key === `${r}/` || key === r || key.startsWith(`${r}/`))
    .sort((a, b) => b.length - a.length)[0];
  if (root === undefined) return undefined;
  return { root, path: trimSlashes(key.slice(root.length)) };
}

export function trimSlashes(path: string): string {
  return path.replace(/^\/+|\/+$/g, "");
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

function checkReferences(manifest: Manifest, source: string): void {
  const errors: string[] = [];
  const companies = manifestCompanies(manifest);
  const shared = manifest.domain !== undefined;
  const groupOwner = new Map<string, string>();
  for (const company of shared ? companies.slice(0, 1) : companies) {
    company.groups.forEach((g, i) => {
      const where = `${company.at.groups}[${i}].id "${g.id}"`;
      const owner = groupOwner.get(g.id);
      if (owner === company.tenant || shared) {
        if (owner !== undefined) errors.push(`${where} is listed twice`);
      } else if (owner !== undefined) {
        errors.push(`${where} is also a group of ${owner}: group ids are project-wide, rename one`);
      }
      groupOwner.set(g.id, company.tenant);
    });
    errors.push(...directoryErrors(company));
  }
  const users = new Set<string>();
  manifest.connectedUsers.forEach((u, i) => {
    if (users.has(u.id)) errors.push(`connectedUsers[${i}].id "${u.id}" is listed twice`);
    users.add(u.id);
    const company = companies[i]!;
    const identities = new Set<string>();
    u.syncs.forEach((s, j) => {
      errors.push(...personErrors(company, s.owner, `connectedUsers[${i}].syncs[${j}].owner`));
      const identity = `${s.integration}/${s.pipeline}/${s.configurationName}`;
      if (identities.has(identity)) {
        errors.push(
          `connectedUsers[${i}].syncs[${j}] repeats ${identity}: give it another configurationName`,
        );
      }
      identities.add(identity);
    });
  });
  const roots = new Set<string>();
  for (const root of syncRoots(manifest)) {
    if (roots.has(root)) errors.push(`sync root "${root}" is used by two syncs: give each its own folder`);
    roots.add(root);
  }
  for (const [key, entry] of Object.entries(manifest.sharing)) {
    const at = `sharing.${JSON.stringify(key)}`;
    const split = splitSharingKey(manifest, key);
    if (!split) {
      errors.push(
        `${at} does not start with a sync root (${syncRoots(manifest)
          .map((r) => `${r}/`)
          .join(", ")})`,
      );
    }
    if (!entry || !split) continue;
    const company = companies.find((c) => c.syncs.some((s) => s.root && trimSlashes(s.root) === split.root))!;
    if (entry.owner) errors.push(...personErrors(company, entry.owner, `${at}.owner`));
    entry.grants.forEach((g, i) => {
      if (g.user) errors.push(...personErrors(company, g.user, `${at}.grants[${i}].user`));
      if (g.group) errors.push(...groupErrors(company, g.group, `${at}.grants[${i}].group`));
    });
  }
  if (errors.length > 0) throw new CorpusError(errors.map((e) => `${source}: ${e}`).join("\n"));
}

/** A company's people listed once, and its groups naming only its own people and groups. */
function directoryErrors(company: ManifestCompany): string[] {
  const errors: string[] = [];
  const seen = new Set<string>();
  company.people.forEach((p, i) => {
    const email = p.email.toLowerCase();
    if (seen.has(email)) errors.push(`${company.at.people}[${i}].email "${p.email}" is listed twice`);
    seen.add(email);
  });
  company.groups.forEach((g, i) => {
    g.members.forEach((m, j) => {
      const where = `${company.at.groups}[${i}].members[${j}]`;
      if (m.startsWith("group:")) errors.push(...groupErrors(company, m.slice("group:".length), where));
      else errors.push(...personErrors(company, m, where));
    });
  });
  return errors;
}

function personErrors(company: ManifestCompany, email: string, where: string): string[] {
  const known = company.people.some((p) => p.email.toLowerCase() === email.toLowerCase());
  return known ? [] : [`${where} "${email}" is not in ${company.at.people}: add them there`];
}

function groupErrors(company: ManifestCompany, id: string, where: string): string[] {
  const known = company.groups.some((g) => g.id === id);
  return known ? [] : [`${where} "${id}" is not a group id: add it to ${company.at.groups}`];
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
