import type { RetrievalReport } from "../retrieval/index.js";
import type { TenantIngestEvent, TenantsIngestReport } from "../tenants/index.js";
import { checkDemoChoices } from "./demo-choices.js";
import { answerName, type DemoQuestion, type DemoQuestions, loadDemoQuestions } from "./questions.js";
import { type Demo, startDemo } from "./start-demo.js";

/**
 * The questions the demo asks each company unless told otherwise: one everyone may answer, then
 * the private ones. A company not listed asks its first four.
 */
export const DEFAULT_DEMO_QUESTIONS: Readonly<Record<string, readonly string[]>> = {
  northwind: [
    "parental-leave",
    "engineer-salary-bands",
    "deploy-to-production",
    "acme-renewal-promises",
    // Answered by a Salesforce deal (owner policy) and a ServiceNow ticket (tenant policy).
    "globex-payment-terms",
    "acme-outage-credit",
  ],
  kestrel: [
    "kestrel-parental-leave",
    "kestrel-engineer-salary-bands",
    "kestrel-deploy-to-production",
    "kestrel-globex-renewal",
  ],
};

export interface RunDemoOptions {
  corpusDir: string;
  /** Only this company (Connected User); default every company of the corpus. */
  tenant?: string;
  /** Where the embedded store lives (default: a temporary folder, removed afterwards). */
  storeDir?: string;
  /** Emails of the people who ask, each in the companies they belong to (default: each company's first three featured people). */
  people?: readonly string[];
  /** Question ids from `questions.yaml`, each asked in its company (default: {@link DEFAULT_DEMO_QUESTIONS}). */
  questionIds?: readonly string[];
  /** Results per question and person (default 3). */
  k?: number;
  onIngestProgress?: (event: TenantIngestEvent) => void;
}

export interface DemoAsker {
  email: string;
  name: string;
  title: string | undefined;
}

/** What one person got for one question, and whether the file that answers it is among it. */
export interface DemoAnswer {
  asker: DemoAsker;
  /** Files best first (a file's chunks folded into one line); `isAnswer` marks the file that answers. */
  sources: { name: string; recordId: string; score: number; chunks: number; isAnswer: boolean }[];
  foundAnswer: boolean;
  /** Whether `questions.yaml` says this person may read the answer's file. */
  mayReadAnswer: boolean;
  report: RetrievalReport;
}

/** One company's part of the demo: its people asking its questions, answered from its data only. */
export interface DemoCompanyResult {
  tenant: string;
  name: string;
  askers: DemoAsker[];
  rounds: { question: DemoQuestion; answers: DemoAnswer[] }[];
}

/** A person of several companies asking one question in each: each answer comes from that company only. */
export interface DemoCrossCompany {
  asker: DemoAsker;
  question: string;
  answers: {
    tenant: string;
    name: string;
    file: string | undefined;
    excerpt: string | undefined;
    report: RetrievalReport;
  }[];
}

export interface DemoResult {
  emulatorUrl: string;
  ingest: TenantsIngestReport;
  companies: DemoCompanyResult[];
  crossCompany: DemoCrossCompany[];
}

/**
 * The whole product end to end, offline: starts the emulator on a corpus with several companies
 * (Connected Users of one project), ingests them into one embedded store with the offline
 * embedder, then asks each company's questions as several of its people, and one question as
 * someone who works for more than one company.
 *
 * @example
 * const result = await runDemo({ corpusDir: "examples/corpus" });
 */
export async function runDemo(options: RunDemoOptions): Promise<DemoResult> {
  const file = await loadDemoQuestions(options.corpusDir);
  checkDemoChoices(options, file);
  const demo = await startDemo({
    corpusDir: options.corpusDir,
    k: options.k ?? 3,
    ...(options.storeDir ? { storeDir: options.storeDir } : {}),
    ...(options.tenant ? { tenant: options.tenant } : {}),
    ...(options.onIngestProgress ? { onIngestProgress: options.onIngestProgress } : {}),
  });
  try {
    const companies: DemoCompanyResult[] = [];
    for (const company of demo.companies) {
      const name = company.name ?? company.tenant;
      const askers = askersOf(demo, file, company.tenant, options.people);
      const ids = options.questionIds ?? DEFAULT_DEMO_QUESTIONS[company.tenant];
      const questions = file.questions.filter((q) => (q.tenant ?? demo.tenant) === company.tenant);
      const asked = ids ? ids.flatMap((id) => questions.filter((q) => q.id === id)) : questions.slice(0, 4);
      const rounds = [];
      for (const question of asked) {
        const answers: DemoAnswer[] = [];
        for (const asker of askers) answers.push(await answer(demo, company.tenant, question, asker));
        rounds.push({ question, answers });
      }
      companies.push({ tenant: company.tenant, name, askers, rounds });
    }
    return {
      emulatorUrl: demo.emulator.url,
      ingest: demo.ingestReport,
      companies,
      crossCompany: await crossCompany(demo, file),
    };
  } finally {
    await demo.close();
  }
}

function askersOf(demo: Demo, file: DemoQuestions, tenant: string, emails?: readonly string[]): DemoAsker[] {
  const people = demo.people.filter((p) => p.tenant === tenant);
  const featured =
    file.tenants?.find((t) => t.id === tenant)?.demoPeople ?? (tenant === demo.tenant ? file.demoPeople : []);
  const chosen = emails ? emails.filter((e) => people.some((p) => p.email === e)) : featured.slice(0, 3);
  return chosen.map((email) => {
    const person = people.find((p) => p.email === email);
    return { email, name: person?.name ?? email, title: person?.title };
  });
}

async function answer(
  demo: Demo,
  tenant: string,
  question: DemoQuestion,
  asker: DemoAsker,
): Promise<DemoAnswer> {
  const { documents, report } = await demo.retrievers
    .forTenant(tenant)
    .retrieveWithReport(question.question, { user: asker.email, member: true });
  const sources = byFile(
    documents.map((d) => d.metadata),
    answerName(question),
  );
  return {
    asker,
    sources,
    foundAnswer: sources.some((s) => s.isAnswer),
    mayReadAnswer: question.canSee.includes(asker.email),
    report,
  };
}

/**
 * For each person of several companies: the first question text every one of their companies
 * has and they may read in each, asked in each company. The same words, the same person, and
 * (often) the same file name and record id: each answer comes from that company's drive only.
 */
async function crossCompany(demo: Demo, file: DemoQuestions): Promise<DemoCrossCompany[]> {
  const tenantsOf = new Map<string, string[]>();
  for (const p of demo.people)
    tenantsOf.set(p.email, [...(tenantsOf.get(p.email) ?? []), p.tenant ?? demo.tenant]);
  const out: DemoCrossCompany[] = [];
  for (const [email, tenants] of tenantsOf) {
    if (tenants.length < 2) continue;
    const readable = (tenant: string) =>
      file.questions.filter((q) => (q.tenant ?? demo.tenant) === tenant && q.canSee.includes(email));
    const shared = readable(tenants[0]!).find((q) =>
      tenants.every((t) => readable(t).some((other) => other.question === q.question)),
    );
    if (!shared) continue;
    const person = demo.people.find((p) => p.email === email);
    const answers = [];
    for (const tenant of tenants) {
      const { documents, report } = await demo.retrievers
        .forTenant(tenant)
        .retrieveWithReport(shared.question, { user: email, member: true });
      const top = documents[0];
      answers.push({
        tenant,
        name: demo.companies.find((c) => c.tenant === tenant)?.name ?? tenant,
        file: top?.metadata.name,
        excerpt: top?.pageContent.replace(/\s+/g, " ").slice(0, 160),
        report,
      });
    }
    out.push({
      asker: { email, name: person?.name ?? email, title: person?.title },
      question: shared.question,
      answers,
    });
  }
  return out;
}

/** Folds chunks of the same record into one source, keeping the rank of its best chunk. */
function byFile(
  chunks: readonly { recordId: string; name: string; score: number }[],
  answerName: string,
): DemoAnswer["sources"] {
  const sources = new Map<string, DemoAnswer["sources"][number]>();
  for (const chunk of chunks) {
    const seen = sources.get(chunk.recordId);
    if (seen) seen.chunks += 1;
    else
      sources.set(chunk.recordId, {
        name: chunk.name,
        recordId: chunk.recordId,
        score: chunk.score,
        chunks: 1,
        isAnswer: chunk.name === answerName,
      });
  }
  return [...sources.values()];
}
