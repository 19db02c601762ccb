import { answerName } from "./questions.js";
import type { DemoAnswer, DemoCompanyResult, DemoResult } from "./run-demo.js";

/**
 * The demo's answers, one section per company: a side-by-side table with one column per person,
 * the files each one was given (✓ marks the file that answers the question), then how the
 * retriever got there; last, a person of several companies asking the same question in each.
 */
export function renderDemo(result: DemoResult, width = 120): string {
  const out: string[] = [];
  for (const company of result.companies) {
    const title = `${company.name} (tenant ${company.tenant})`;
    out.push(`══ ${title} ${"═".repeat(Math.max(0, width - title.length - 4))}`, "");
    out.push(...companyTable(company, width), "");
  }
  for (const cross of result.crossCompany) {
    out.push(
      `══ One person, ${cross.answers.length} companies: ${cross.asker.name} asks "${cross.question}"`,
    );
    for (const a of cross.answers) {
      out.push(
        `  as ${a.name}: ${a.file ?? "(nothing they may read)"}${a.excerpt ? ` — ${padTo(a.excerpt, width - 30)}` : ""}`,
      );
    }
    out.push("");
  }
  out.push(legend(result));
  return `${out.join("\n")}\n`;
}

function companyTable(company: DemoCompanyResult, width: number): string[] {
  const columns = Math.max(1, company.askers.length);
  const columnWidth = Math.max(28, Math.floor((width - 3 * (columns - 1)) / columns));
  const out: string[] = [];
  const heading = company.askers.map((a) => padTo(`${a.name}${a.title ? `, ${a.title}` : ""}`, columnWidth));
  out.push(heading.join(" │ "), "─".repeat(heading.join(" │ ").length));
  company.rounds.forEach(({ question, answers }, i) => {
    out.push("", `${i + 1}. ${question.question}   (answer in: ${answerName(question)})`);
    const cells = answers.map((answer) => cellLines(answer, columnWidth));
    const height = Math.max(...cells.map((c) => c.length));
    for (let row = 0; row < height; row++) {
      out.push(cells.map((c) => padTo(c[row] ?? "", columnWidth)).join(" │ "));
    }
  });
  return out;
}

function cellLines(answer: DemoAnswer, width: number): string[] {
  const { report } = answer;
  const lines = answer.sources.length
    ? answer.sources.map((s, n) => {
        const chunks = s.chunks > 1 ? ` ×${s.chunks}` : "";
        return `${s.isAnswer ? "✓" : " "} ${n + 1}. ${padTo(s.name, width - 6 - chunks.length)}${chunks}`;
      })
    : ["  (nothing they may read)"];
  lines.push(`  ${verdict(answer)}`);
  const calls = `${report.permissionCalls} permission call${report.permissionCalls === 1 ? "" : "s"}`;
  lines.push(`  ${report.strategy} · ${report.returned}/${report.k} · ${calls}`);
  lines.push(`  ${report.candidatesScanned} candidates${report.exhausted ? " · store exhausted" : ""}`);
  return lines;
}

function verdict(answer: DemoAnswer): string {
  if (answer.mayReadAnswer) return answer.foundAnswer ? "answer found" : "answer not in top k";
  return answer.foundAnswer ? "LEAK: answer shown without access" : "answer withheld (no access)";
}

function legend(result: DemoResult): string {
  const { counts } = result.ingest;
  return [
    `Ingested ${counts.seen} records of ${result.ingest.tenants.length} companies into one store (${counts.chunksWritten} chunks, ${counts.skipped} skipped, ${counts.failed} failed) from the emulator at ${result.emulatorUrl}.`,
    "Each company is a Connected User (tenant) of one Paragon project: its people search only its chunks and its Permissions API.",
    "Each column: the files of the top-k chunks the retriever returned for that person (×n: n chunks of one file),",
    "each checked against the Permissions API (files) or its record policy (CRM and tickets: clearance.yaml);",
    "✓ marks the file or record that answers the question. Then the strategy",
    "(post: search, then batch-check; pre: list-objects as a store filter), chunks returned/k, and permission calls.",
  ].join("\n");
}

function padTo(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text + " ".repeat(width - chars.length);
  return `${chars.slice(0, width - 1).join("")}…`;
}
