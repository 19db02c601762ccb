import {
  type ContentStore,
  Directory,
  EmulatorState,
  type Grant,
  type GroupMember,
  type NodeOptions,
} from "../state/index.js";
import { manifestCompanies, manifestGroups, manifestPeople } from "./companies.js";
import { loadRecords } from "./corpus-records.js";
import type { CorpusSpec } from "./corpus-spec.js";
import { CorpusError } from "./errors.js";
import { DEFAULT_PROJECT_ID, parseManifest, splitSharingKey, trimSlashes } from "./manifest.js";
import type { Manifest, ManifestGrant, ManifestSharingEntry } from "./manifest-schema.js";

/** When corpus files say they were last changed, unless the manifest pins `updatedAt` (keeps records reproducible). */
export const CORPUS_TIME = "2026-01-01T00:00:00.000Z";

/**
 * Builds the emulator state from a corpus: people and groups (every company's, in one project-wide
 * directory), one sync per manifest entry (already enabled and caught up), every file and folder as a
 * record, sharing as the manifest says, and the records of CRM and ticketing syncs from their records files.
 */
export function corpusToState(spec: CorpusSpec, content: ContentStore): EmulatorState {
  const source = spec.source ?? "manifest.yaml";
  const manifest = parseManifest(spec.manifest, source);
  let directory: Directory;
  try {
    directory = new Directory(
      manifestCompanies(manifest)[0]!.domain,
      manifestPeople(manifest).map((p) => ({ email: p.email, name: p.name, title: p.title })),
      manifestGroups(manifest).map((g) => ({ id: g.id, name: g.name, members: g.members.map(toMember) })),
    );
  } catch (cause) {
    throw new CorpusError(`${source}: groups: ${(cause as Error).message}`, { cause });
  }
  const state = new EmulatorState({
    projectId: manifest.project?.id ?? DEFAULT_PROJECT_ID,
    directory,
    content,
  });
  const files = new Map<string, Uint8Array>();
  for (const [path, bytes] of spec.files instanceof Map ? spec.files : Object.entries(spec.files)) {
    files.set(trimSlashes(path), typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes);
  }
  const sharing = sharingByPath(manifest);
  const used = new Set<string>();

  for (const user of manifest.connectedUsers) {
    for (const def of user.syncs) {
      const sync = state.createSync({ ...def, tenant: user.id }, CORPUS_TIME);
      if (def.root === undefined) {
        if (def.records !== undefined) {
          const path = trimSlashes(def.records);
          loadRecords(state, sync, path, files.get(path), CORPUS_TIME);
        }
        continue;
      }
      const root = trimSlashes(def.root);
      const rootEntry = sharing.get(`${root}\0`);
      if (rootEntry) {
        used.add(rootEntry.key);
        if (rootEntry.entry?.owner) sync.tree.root.owner = rootEntry.entry.owner;
        sync.tree.root.grants = (rootEntry.entry?.grants ?? []).map(toGrant);
      }
      const entries = new Map<string, "file" | "folder">();
      const below = (p: string) => p.startsWith(`${root}/`);
      for (const path of files.keys()) {
        if (!below(path)) continue;
        entries.set(path.slice(root.length + 1), "file");
        for (let at = path.lastIndexOf("/"); at > root.length; at = path.lastIndexOf("/", at - 1)) {
          entries.set(path.slice(root.length + 1, at), "folder");
        }
      }
      for (const folder of spec.folders ?? []) {
        if (below(trimSlashes(folder))) entries.set(trimSlashes(folder).slice(root.length + 1), "folder");
      }
      for (const [path, type] of [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        const found = sharing.get(`${root}\0${path}`);
        if (found) {
          used.add(found.key);
          if (found.key.endsWith("/") !== (type === "folder")) {
            throw new CorpusError(
              `${source}: sharing.${JSON.stringify(found.key)} names a ${type}: ` +
                (type === "folder" ? `write "${found.key}/"` : `drop the trailing "/"`),
            );
          }
        }
        const options = nodeOptions(found?.entry ?? null);
        if (type === "folder") state.makeFolder(sync.id, path, options);
        else state.putFile(sync.id, path, files.get(`${root}/${path}`)!, options);
      }
    }
  }
  const unused = [...sharing.values()].filter((s) => !used.has(s.key));
  if (unused.length > 0) {
    throw new CorpusError(
      unused
        .map((s) => `${source}: sharing.${JSON.stringify(s.key)}: no such file or folder in the corpus`)
        .join("\n"),
    );
  }
  return state;
}

function sharingByPath(manifest: Manifest): Map<string, { key: string; entry: ManifestSharingEntry | null }> {
  const byPath = new Map<string, { key: string; entry: ManifestSharingEntry | null }>();
  for (const [key, entry] of Object.entries(manifest.sharing)) {
    const split = splitSharingKey(manifest, key);
    if (split) byPath.set(`${split.root}\0${split.path}`, { key, entry });
  }
  return byPath;
}

function nodeOptions(entry: ManifestSharingEntry | null): NodeOptions {
  return {
    externalId: entry?.externalId,
    url: entry?.url,
    updatedAt: entry?.updatedAt ? new Date(entry.updatedAt).toISOString() : CORPUS_TIME,
    owner: entry?.owner,
    grants: (entry?.grants ?? []).map(toGrant),
  };
}

function toMember(member: string): GroupMember {
  return member.startsWith("group:")
    ? { type: "group", id: member.slice("group:".length) }
    : { type: "user", email: member };
}

/** A manifest grant in the state's neutral form. */
export function toGrant(grant: ManifestGrant): Grant {
  if (grant.user) return { principal: { type: "user", email: grant.user }, role: grant.role };
  if (grant.group) return { principal: { type: "group", id: grant.group }, role: grant.role };
  if (grant.domain) return { principal: { type: "domain", domain: grant.domain }, role: grant.role };
  return { principal: { type: "anyone", scope: grant.anyone ?? "link" }, role: grant.role };
}
