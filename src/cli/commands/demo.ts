import { resolve } from "node:path";
import { Command } from "commander";
import {
  checkDemoChoices,
  checkDemoTenant,
  loadDemoQuestions,
  renderDemo,
  runDemo,
} from "../../demo/index.js";
import { EXAMPLE_CORPUS_DIR } from "../../emulator/corpus/example-corpus.js";
import { positiveInt } from "../args.js";
import { demoProgress } from "../demo-progress.js";

/**
 * `clearance demo`: the whole product offline — emulator, ingest, and the same questions asked by
 * people with different access, side by side.
 */
export function demoCommand(): Command {
  return new Command("demo")
    .description(
      "Run the whole product offline: emulator → ingest of every company → the same questions asked by their people",
    )
    .option("--corpus <dir>", "corpus folder with manifest.yaml and questions.yaml", EXAMPLE_CORPUS_DIR)
    .option("--tenant <id>", "only this company (default: every company of the corpus)")
    .option("--people <emails>", "comma-separated emails of who asks (default: each company's demo trio)")
    .option("--questions <ids>", "comma-separated question ids from questions.yaml")
    .option("--store <dir>", "keep the embedded store here (default: a temporary folder)")
    .option("-k <n>", "results per person and question", positiveInt, 3)
    .option("--json", "print the result as JSON")
    .action(async (flags: DemoFlags) => {
      const choices = {
        corpusDir: resolve(flags.corpus),
        ...(flags.tenant ? { tenant: flags.tenant } : {}),
        ...(flags.people ? { people: split(flags.people) } : {}),
        ...(flags.questions ? { questionIds: split(flags.questions) } : {}),
      };
      // Refused before saying it starts: a mistyped tenant, person or question id prints only its error.
      checkDemoTenant(choices.corpusDir, flags.tenant);
      checkDemoChoices(choices, await loadDemoQuestions(choices.corpusDir));
      const progress = demoProgress(flags.json);
      if (!flags.json)
        process.stderr.write("Starting the emulator and ingesting the example corpus's companies…\n");
      const result = await runDemo({
        ...choices,
        k: flags.k,
        ...(flags.store ? { storeDir: resolve(flags.store) } : {}),
        ...progress.options,
      }).finally(() => progress.stop());
      // Someone found the file that answers a question they may not read: the demo failed.
      const leaks = result.companies
        .flatMap((c) => c.rounds.flatMap((r) => r.answers))
        .filter((a) => a.foundAnswer && !a.mayReadAnswer);
      process.stdout.write(
        flags.json
          ? `${JSON.stringify({ ok: leaks.length === 0, ...result }, null, 2)}\n`
          : renderDemo(result, process.stdout.columns || 120),
      );
      if (leaks.length > 0) process.exitCode = 1;
    });
}

interface DemoFlags {
  corpus: string;
  tenant?: string;
  people?: string;
  questions?: string;
  store?: string;
  k: number;
  json?: boolean;
}

function split(list: string): string[] {
  return list
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}
