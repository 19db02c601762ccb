import { resolve } from "node:path";
import { Command } from "commander";
import { renderDemo, runDemo } from "../../demo/index.js";
import { BUNDLED_CORPUS, positiveInt } from "../args.js";
import { IngestProgressBar } from "../ingest-progress.js";

/**
 * `clearance demo`: the whole product offline — emulator, ingest, and the same questions asked by
 * people with different access, side by side.
 */
export function demoCommand(): Command {
  return new Command("demo")
    .description(
      "Run the whole product offline: emulator → ingest → the same questions asked by three people",
    )
    .option("--corpus <dir>", "corpus folder with manifest.yaml and questions.yaml", BUNDLED_CORPUS)
    .option("--people <emails>", "comma-separated emails of who asks (default: the corpus's demo trio)")
    .option("--questions <ids>", "comma-separated question ids from questions.yaml")
    .option("--store <dir>", "keep the embedded store here (default: a temporary folder)")
    .option("-k <n>", "results per person and question", positiveInt, 3)
    .option("--json", "print the result as JSON")
    .action(async (flags: DemoFlags) => {
      const progress = !flags.json && process.stderr.isTTY ? new IngestProgressBar() : undefined;
      if (!flags.json) process.stderr.write("Starting the emulator and ingesting the example corpus…\n");
      const result = await runDemo({
        corpusDir: resolve(flags.corpus),
        k: flags.k,
        ...(flags.people ? { people: split(flags.people) } : {}),
        ...(flags.questions ? { questionIds: split(flags.questions) } : {}),
        ...(flags.store ? { storeDir: resolve(flags.store) } : {}),
        ...(progress ? { onIngestProgress: (event) => progress.on(event) } : {}),
      }).finally(() => progress?.stop());
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      process.stdout.write(renderDemo(result, process.stdout.columns || 120));
      const leaks = result.rounds.flatMap((r) => r.answers).filter((a) => a.foundAnswer && !a.mayReadAnswer);
      if (leaks.length > 0) process.exitCode = 1;
    });
}

interface DemoFlags {
  corpus: string;
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
