import type { Manifest, ManifestGroup, ManifestPerson } from "./manifest-schema.js";

/** The company behind one Connected User: its domain, people and groups. */
export interface ManifestCompany {
  /** The Connected User id (the tenant). */
  tenant: string;
  name: string | undefined;
  domain: string;
  people: ManifestPerson[];
  groups: ManifestGroup[];
  syncs: Manifest["connectedUsers"][number]["syncs"];
  /** Where its people and groups are written in the manifest ("people", or "connectedUsers[1].people"). */
  at: { people: string; groups: string };
}

/**
 * Each Connected User's company. In the single-company form every Connected User shares the top-level domain,
 * people and groups; otherwise each has its own.
 * @example manifestCompanies(manifest).find((c) => c.tenant === "kestrel")?.people
 */
export function manifestCompanies(manifest: Manifest): ManifestCompany[] {
  return manifest.connectedUsers.map((user, i) => {
    const shared = manifest.domain !== undefined;
    const prefix = shared ? "" : `connectedUsers[${i}].`;
    return {
      tenant: user.id,
      name: user.name,
      domain: (shared ? manifest.domain : user.domain) as string,
      people: (shared ? manifest.people : user.people) ?? [],
      groups: (shared ? manifest.groups : user.groups) ?? [],
      syncs: user.syncs,
      at: { people: `${prefix}people`, groups: `${prefix}groups` },
    };
  });
}

/** Everyone in the manifest, once each (a person in two companies is listed where first seen). */
export function manifestPeople(manifest: Manifest): ManifestPerson[] {
  const byEmail = new Map<string, ManifestPerson>();
  for (const person of manifestCompanies(manifest).flatMap((c) => c.people)) {
    if (!byEmail.has(person.email.toLowerCase())) byEmail.set(person.email.toLowerCase(), person);
  }
  return [...byEmail.values()];
}

/** Every group of every company (group ids are unique in a manifest). */
export function manifestGroups(manifest: Manifest): ManifestGroup[] {
  if (manifest.domain !== undefined) return manifest.groups ?? [];
  return manifest.connectedUsers.flatMap((user) => user.groups ?? []);
}
