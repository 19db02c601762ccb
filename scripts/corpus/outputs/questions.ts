import YAML from "yaml";
import { Access } from "../access.js";
import type { Company } from "../company.js";
import type { TemplateContext } from "../template.js";
import { firstName } from "./readme.js";

const fileLink = (path: string): string => `\`${path}\``;

/** The name a citation of the answer shows: a file's name, or a record's title. */
export function sourceName(access: Access, path: string): string {
  return access.records.get(path)?.title ?? path.split("/").slice(-1)[0]!;
}

/** What the QUESTIONS.md template (scripts/corpus/data/QUESTIONS.md) quotes about a company's questions. */
export function questionsFacts(company: Company): TemplateContext {
  const access = new Access(company);
  const names = (keys: string[]): string =>
    keys.length ? keys.map((k) => company.people[k]!.name).join(", ") : "nobody";
  const employees = company.keys.filter((k) => company.people[k]!.email.endsWith(`@${company.domain}`));
  const audience = (path: string): string => {
    const rs = access.readers(path);
    if (rs.length === company.keys.length) return "everyone, including the contractor";
    if (employees.every((k) => rs.includes(k)) && rs.length === employees.length) {
      return `everyone in ${company.domain}`;
    }
    return names(rs);
  };
  const table = [
    `| # | Question | Answer in | ${company.keys.map((k) => firstName(company, k)).join(" | ")} |`,
    `| --- | --- | --- | ${company.keys.map(() => ":-:").join(" | ")} |`,
    ...company.questions.map(
      (q, i) =>
        `| ${i + 1} | ${q.question} | ${fileLink(sourceName(access, q.file))} | ${company.keys.map((k) => (access.canRead(k, q.file) ? "yes" : "-")).join(" | ")} |`,
    ),
  ];
  const details = company.questions.map((q, i) => {
    const rs = access.readers(q.file);
    const near = q.nearMisses.map(
      (n) => `  - ${fileLink(n.file)}: ${n.why}. Readable by ${audience(n.file)}.`,
    );
    const asker = q.askedBy;
    const asked = `${company.people[asker]!.name}, who ${rs.includes(asker) ? "may read it" : "may not: nothing they may read answers it"}`;
    return `#### ${i + 1}. ${q.question}

- **Answer:** ${q.answer}
- **Only in:** ${fileLink(q.file)}
- **Asked by:** ${asked}
- **Can see it:** ${names(rs)}
- **Must not see it:** ${names(company.keys.filter((k) => !rs.includes(k)))}
- **Near misses** (must not be cited as the answer):
${near.join("\n")}`;
  });
  const cases = company.accessCases.map(
    (c) =>
      `| \`${c.id}\` | ${fileLink(c.file)} | ${c.relation} | ${names(c.allowed)} | ${names(c.denied)} | ${c.what} |`,
  );
  return {
    table: table.join("\n"),
    details: details.join("\n\n"),
    accessCases: cases.join("\n"),
    skipped: company.documents
      .filter((d) => d.image)
      .map((d) => fileLink(d.path))
      .join(", "),
  };
}

/**
 * `questions.yaml`: every company's questions (its tenant, the fact an answer states, who asks, who can and cannot
 * read the answering file) and access cases, by email. `demoPeople` at the top is the first company's.
 */
export function questionsYaml(companies: Company[]): string {
  const email = (company: Company) => (key: string) => company.people[key]!.email;
  const data = {
    demoPeople: companies[0]!.demoPeople.map(email(companies[0]!)),
    tenants: companies.map((c) => ({
      id: c.id,
      name: c.name,
      domain: c.domain,
      demoPeople: c.demoPeople.map(email(c)),
    })),
    questions: companies.flatMap((c) => {
      const access = new Access(c);
      return c.questions.map((q) => ({
        id: q.id,
        tenant: c.id,
        question: q.question,
        answer: q.answer,
        facts: q.facts ?? [q.marker],
        file: q.file,
        source: sourceName(access, q.file),
        askedBy: email(c)(q.askedBy),
        canSee: access.readers(q.file).map(email(c)),
        cannotSee: c.keys.filter((k) => !access.canRead(k, q.file)).map(email(c)),
        nearMisses: q.nearMisses.map((n) => ({
          file: n.file,
          why: n.why,
          readers: access.readers(n.file).map(email(c)),
        })),
      }));
    }),
    accessCases: companies.flatMap((c) =>
      c.accessCases.map((a) => ({
        id: a.id,
        tenant: c.id,
        file: a.file,
        relation: a.relation,
        allowed: a.allowed.map(email(c)),
        denied: a.denied.map(email(c)),
        what: a.what,
      })),
    ),
    skipped: companies.flatMap((c) => c.documents.filter((d) => d.image).map((d) => d.path)),
  };
  const doc = new YAML.Document(data);
  YAML.visit(doc, {
    Seq(_, node) {
      if (node.items.every((i) => YAML.isScalar(i))) node.flow = true;
    },
  });
  return (
    "# Demo questions and access cases of every company in the corpus (see QUESTIONS.md). Each question belongs to\n" +
    "# a tenant (Connected User); `facts` are what a right answer states (any one), found in `file`; `askedBy` is who\n" +
    "# asks it in the evaluations (in `cannotSee` for the questions the asker must be told nothing they may read answers).\n" +
    '# Generated by scripts/make-corpus.ts from scripts/corpus/data/; paths are "<sync root>/<path>" as in manifest.yaml.\n' +
    doc.toString({ lineWidth: 0, flowCollectionPadding: false })
  );
}
