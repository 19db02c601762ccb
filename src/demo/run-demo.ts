import { basename } from "node:path";
import type { IngestProgressListener, IngestReport } from "../ingest/index.js";
import type { RetrievalReport } from "../retrieval/index.js";
import { type DemoQuestion, loadDemoQuestions } from "./questions.js";
import { startDemo } from "./start-demo.js";

/** The questions the demo asks unless told otherwise: one everyone may answer, then the private ones. */
export const DEFAULT_DEMO_QUESTIONS = [
  "parental-leave",
  "engineer-salary-bands",
  "deploy-to-production",
  "acme-renewal-promises",
] as const;

export interface RunDemoOptions {
  corpusDir: string;
  /** The Connected User whose syncs are ingested (default: the corpus's first one). */
  tenant?: string;
  /** Where the embedded store lives (default: a temporary folder, removed afterwards). */
  storeDir?: string;
  /** Emails of the people who ask (default: the first three of the corpus's `demoPeople`). */
  people?: readonly string[];
  /** Question ids from `questions.yaml` (default: {@link DEFAULT_DEMO_QUESTIONS}). */
  questionIds?: readonly string[];
  /** Results per question and person (default 3). */
  k?: number;
  onIngestProgress?: IngestProgressListener;
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

export interface DemoResult {
  emulatorUrl: string;
  ingest: IngestReport;
  askers: DemoAsker[];
  rounds: { question: DemoQuestion; answers: DemoAnswer[] }[];
}

/**
 * The whole product end to end, offline: starts the emulator on a corpus, ingests it into the
 * embedded store with the offline embedder, then asks the same questions as several people.
 *
 * @example
 * const result = await runDemo({ corpusDir: "examples/corpus" });
 */
export async function runDemo(options: RunDemoOptions): Promise<DemoResult> {
  const { questions, demoPeople } = await loadDemoQuestions(options.corpusDir);
  const demo = await startDemo({
    corpusDir: options.corpusDir,
    k: options.k ?? 3,
    ...(options.storeDir ? { storeDir: options.storeDir } : {}),
    ...(options.tenant ? { tenant: options.tenant } : {}),
    ...(options.onIngestProgress ? { onIngestProgress: options.onIngestProgress } : {}),
  });
  try {
    const askers = (options.people ?? demoPeople.slice(0, 3)).map((email) => {
      const person = demo.people.find((p) => p.email === email);
      return { email, name: person?.name ?? email, title: person?.title };
    });
    const rounds = [];
    for (const id of options.questionIds ?? DEFAULT_DEMO_QUESTIONS) {
      const question = questions.find((q) => q.id === id);
      if (!question) continue;
      const answers: DemoAnswer[] = [];
      for (const asker of askers) {
        const { documents, report } = await demo.retriever.retrieveWithReport(question.question, {
          user: asker.email,
        });
        const sources = byFile(
          documents.map((d) => d.metadata),
          basename(question.file),
        );
        answers.push({
          asker,
          sources,
          foundAnswer: sources.some((s) => s.isAnswer),
          mayReadAnswer: question.canSee.includes(asker.email),
          report,
        });
      }
      rounds.push({ question, answers });
    }
    return { emulatorUrl: demo.emulator.url, ingest: demo.ingestReport, askers, rounds };
  } finally {
    await demo.close();
  }
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
