import { Access } from "../access.js";
import type { Company } from "../company.js";
import type { Grant } from "../schema.js";
import type { TemplateContext } from "../template.js";

/** A person's first name, as the README and QUESTIONS.md write them. */
export const firstName = (company: Company, key: string): string => company.people[key]!.name.split(" ")[0]!;

/** What the README template (scripts/corpus/data/README.md) quotes about a company: tables, trees, counts. */
export function readmeFacts(company: Company): TemplateContext {
  const access = new Access(company);
  const people = company.keys.map((k) => {
    const p = company.people[k]!;
    const groups = [...access.groupsOf(k)].join(", ") || "-";
    const n = company.documents.filter((d) => access.canRead(k, d.path)).length;
    return `| ${p.name} | ${p.email} | ${p.title} | ${groups} | ${n} |`;
  });
  const groups = company.groups.map(
    (g) =>
      `\`${g.id}\` (${g.members.map((m) => (m.startsWith("group:") ? `group ${m.slice(6)}` : firstName(company, m))).join(", ")})`,
  );
  return {
    domain: company.domain,
    admin: company.admin.email,
    peopleTable: people.join("\n"),
    groups: groups.join("; "),
    files: Object.fromEntries(
      company.syncs.map((s) => [
        s.root,
        company.documents.filter((d) => d.path.startsWith(`${s.root}/`)).length,
      ]),
    ),
    tree: Object.fromEntries(company.syncs.map((s) => [s.root, tree(company, s.root)])),
  };
}

/** How many documents of each format the companies have together: `{{ count.pdf }}`. */
export function formatCounts(companies: Company[]): TemplateContext {
  const counts: Record<string, number> = {};
  for (const d of companies.flatMap((c) => c.documents)) {
    const ext = d.path.slice(d.path.lastIndexOf(".") + 1);
    counts[ext] = (counts[ext] ?? 0) + 1;
  }
  return counts;
}

interface Node {
  dirs: Map<string, Node>;
  files: string[];
}

/** A sync's folder tree: each folder with its file counts by format and its own grants. */
function tree(company: Company, root: string): string {
  const top: Node = { dirs: new Map(), files: [] };
  for (const d of company.documents.filter((d) => d.path.startsWith(`${root}/`))) {
    const parts = d.path.slice(root.length + 1).split("/");
    let n = top;
    for (const dir of parts.slice(0, -1)) {
      if (!n.dirs.has(dir)) n.dirs.set(dir, { dirs: new Map(), files: [] });
      n = n.dirs.get(dir)!;
    }
    n.files.push(parts[parts.length - 1]!);
  }
  const grant = (g: Grant): string =>
    "user" in g
      ? `${firstName(company, g.user)} ${g.role}`
      : "group" in g
        ? `${g.group} ${g.role}`
        : "domain" in g
          ? `domain ${g.role}`
          : `anyone (${g.anyone})`;
  const lines = [`${root}/`];
  const walk = (n: Node, prefix: string, folderPath: string): void => {
    const items = [...n.dirs.entries()].sort(([a], [b]) => a.localeCompare(b));
    items.forEach(([name, child], i) => {
      const last = i === items.length - 1;
      const folder = company.folders[`${folderPath}${name}/`];
      const exts = child.files.map((f) => f.slice(f.lastIndexOf(".") + 1));
      const files = exts.length
        ? `  ${exts.length} file${exts.length > 1 ? "s" : ""} (${[...new Set(exts)]
            .sort()
            .map((e) => `${exts.filter((x) => x === e).length} ${e}`)
            .join(", ")})`
        : "";
      const note = folder?.grants?.length ? `  [${folder.grants.map(grant).join(", ")}]` : "";
      lines.push(`${prefix}${last ? "└── " : "├── "}${name}/${files}${note}`);
      walk(child, prefix + (last ? "    " : "│   "), `${folderPath}${name}/`);
    });
  };
  walk(top, "", `${root}/`);
  return lines.join("\n");
}
