import { Access, ancestors, READINGS, RELATION_LEVEL } from "./access.js";
import { type Company, type Sharing, syncRootOf } from "./company.js";

/**
 * Checks a company before anything is written: every key and group it names exists, every document sits in a
 * declared folder of a sync, every question's marker is in its file and no other, and every "see", "not see",
 * "allowed" and "denied" holds under each reading of the manifest rules. Throws with the full list.
 */
export function validateCompany(company: Company): void {
  const references = referenceProblems(company);
  const problems = references.length
    ? references
    : [...layoutProblems(company), ...recordProblems(company), ...questionProblems(company)];
  if (problems.length) {
    throw new Error(`${company.id}: the corpus definition is inconsistent:\n  ${problems.join("\n  ")}`);
  }
}

function referenceProblems(company: Company): string[] {
  const problems: string[] = [];
  const groups = new Set(company.groups.map((g) => g.id));
  const person = (key: string, where: string) => {
    if (!company.people[key]) problems.push(`${where}: no person "${key}" in company.yaml`);
  };
  const sharing = (s: Sharing, where: string) => {
    person(s.owner, `${where}.owner`);
    for (const g of s.grants ?? []) {
      if ("user" in g) person(g.user, `${where}.grants`);
      if ("group" in g && !groups.has(g.group)) problems.push(`${where}.grants: no group "${g.group}"`);
    }
  };
  for (const g of company.groups) {
    for (const m of g.members) {
      if (!m.startsWith("group:")) person(m, `groups.${g.id}`);
      else if (!groups.has(m.slice(6))) problems.push(`groups.${g.id}: no group "${m.slice(6)}"`);
    }
  }
  for (const [path, folder] of Object.entries(company.folders)) sharing(folder, `folders."${path}"`);
  for (const d of company.documents) sharing(d, d.path);
  const listed = [
    ...company.demoPeople,
    ...company.questions.map((q) => q.askedBy),
    ...company.questions.flatMap((q) => [...q.see, ...q.notSee]),
    ...company.accessCases.flatMap((c) => [...c.allowed, ...c.denied]),
  ];
  for (const key of listed) person(key, "questions.yaml");
  return problems;
}

function layoutProblems(company: Company): string[] {
  const problems: string[] = [];
  for (const d of company.documents) {
    for (const a of ancestors(company, d.path)) {
      if (!company.folders[a]) problems.push(`${d.path}: folder ${a} is not declared`);
    }
    if (!syncRootOf(company, d.path)) {
      problems.push(`${d.path}: not under a sync root`);
    }
  }
  for (const f of Object.keys(company.folders)) {
    if (!company.documents.some((d) => d.path.startsWith(f))) problems.push(`folder ${f} is empty`);
  }
  return problems;
}

/** Record owners must be people of the company: clearance.yaml maps their CRM user ids to them. */
function recordProblems(company: Company): string[] {
  const emails = new Set(company.keys.map((k) => company.people[k]!.email));
  return [...new Access(company).records.values()].flatMap((r) =>
    r.sync.pipeline !== "tickets"
      ? r.owners
          .filter((o) => !emails.has(o))
          .map((o) => `${r.ref}: owner ${o} is not a person of company.yaml`)
      : [],
  );
}

function questionProblems(company: Company): string[] {
  const problems: string[] = [];
  const access = new Access(company);
  for (const q of company.questions) {
    for (const f of [q.file, ...q.nearMisses.map((n) => n.file)]) access.requireExists(f);
    const texts = access.texts();
    const holders = texts.filter((t) => t.text.includes(q.marker)).map((t) => t.path);
    if (holders.length !== 1 || holders[0] !== q.file) {
      problems.push(
        `${q.id}: "${q.marker}" should be in ${q.file} only, is in: ${holders.join(", ") || "nothing"}`,
      );
    }
    const answer = texts.find((t) => t.path === q.file);
    for (const fact of q.facts ?? [q.marker]) {
      if (!answer?.text.includes(fact)) problems.push(`${q.id}: the fact "${fact}" is not in ${q.file}`);
      // Someone who may not read the answer must find the fact nowhere else either, or abstaining is not the
      // right response for them (and stating it would not prove a leak).
      for (const other of texts.filter((t) => t.path !== q.file && t.text.includes(fact))) {
        const readers = q.notSee.filter((k) => access.canRead(k, other.path));
        if (readers.length)
          problems.push(
            `${q.id}: the fact "${fact}" is also in ${other.path}, which ${readers.join(", ")} can read`,
          );
      }
    }
    if (![...q.see, ...q.notSee].includes(q.askedBy)) {
      problems.push(`${q.id}: askedBy ${q.askedBy} is in neither see nor notSee`);
    }
    for (const r of READINGS) {
      for (const k of q.see)
        if (!access.canRead(k, q.file, r)) problems.push(`${q.id}: ${k} cannot read ${q.file}`);
      for (const k of q.notSee)
        if (access.canRead(k, q.file, r)) problems.push(`${q.id}: ${k} can read ${q.file}`);
    }
  }
  for (const c of company.accessCases) {
    const need = RELATION_LEVEL[c.relation];
    for (const r of READINGS.filter((r) => !r.linkIsEveryone)) {
      for (const k of c.allowed) {
        if (access.accessLevel(k, c.file, r) < need)
          problems.push(`${c.id}: ${k} lacks ${c.relation} on ${c.file}`);
      }
      for (const k of c.denied) {
        if (access.accessLevel(k, c.file, r) >= need)
          problems.push(`${c.id}: ${k} has ${c.relation} on ${c.file}`);
      }
    }
  }
  return problems;
}
