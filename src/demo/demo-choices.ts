import { existsSync } from "node:fs";
import { join } from "node:path";
import { ClearanceError } from "../errors.js";
import { loadDemoDirectory } from "./people.js";
import type { DemoQuestions } from "./questions.js";

/** What the demo was asked to run: the company, who asks, and which questions. */
export interface DemoChoices {
  corpusDir: string;
  tenant?: string;
  people?: readonly string[];
  questionIds?: readonly string[];
}

/**
 * Refuses people and question ids the corpus does not have, before anything is ingested: a typo
 * in `--people` or `--questions` would otherwise print an empty demo and exit 0. An unknown
 * tenant is refused by {@link checkDemoTenant}, which `startDemo` calls. `runDemo` calls this one;
 * the CLI calls both first, before it says it is starting the emulator.
 */
export function checkDemoChoices(choices: DemoChoices, file: DemoQuestions): void {
  const manifest = join(choices.corpusDir, "manifest.yaml");
  if (!existsSync(manifest)) return; // startDemo says what is wrong with the folder
  const directory = loadDemoDirectory(choices.corpusDir, choices.tenant);
  if (directory.companies.length === 0) return;
  const scope = choices.tenant ? ` for tenant ${choices.tenant}` : "";
  if (choices.questionIds) {
    const known = file.questions
      .filter((q) => !choices.tenant || q.tenant === undefined || q.tenant === choices.tenant)
      .map((q) => q.id);
    const unknown = choices.questionIds.filter((id) => !known.includes(id));
    if (unknown.length > 0) {
      throw new ClearanceError(
        "DEMO_UNKNOWN_QUESTIONS",
        `no question ${unknown.join(", ")} in ${join(choices.corpusDir, "questions.yaml")}${scope}: ids are ${listed(known)}`,
      );
    }
  }
  if (choices.people) {
    const known = directory.people.map((p) => p.email);
    const unknown = choices.people.filter((email) => !known.includes(email));
    if (unknown.length > 0) throw unknownPeople(unknown, manifest, scope, known);
  }
}

/**
 * Refuses a `--user` of `query --demo` or `mcp --demo` whom the corpus does not list (in `tenant`
 * when given), naming who it does. A typo (`sam@northwnd.test`) was otherwise answered as a
 * stranger, "Nothing you may read answers this", which reads as a broken demo; `demo --people`
 * already refused it. Emails compare without case, as tenantOfPerson matches them.
 */
export function checkDemoPerson(
  corpusDir: string,
  tenant: string | undefined,
  user: string | undefined,
): void {
  if (user === undefined) return;
  const manifest = join(corpusDir, "manifest.yaml");
  if (!existsSync(manifest)) return; // startDemo says what is wrong with the folder
  const directory = loadDemoDirectory(corpusDir, tenant);
  if (directory.companies.length === 0) return; // checkDemoTenant names the tenant
  const known = directory.people.map((p) => p.email);
  if (known.some((email) => email.toLowerCase() === user.toLowerCase())) return;
  throw unknownPeople([user], manifest, tenant ? ` for tenant ${tenant}` : "", known);
}

function unknownPeople(unknown: string[], manifest: string, scope: string, known: string[]): ClearanceError {
  return new ClearanceError(
    "DEMO_UNKNOWN_PEOPLE",
    `nobody named ${unknown.join(", ")} in ${manifest}${scope}: people are their email addresses, e.g. ${listed(known)}`,
  );
}

/**
 * Refuses a tenant the corpus's manifest does not list, naming those it does. It reads only the
 * manifest, so the CLI calls it before it says it is starting the emulator: a mistyped `--tenant`
 * then fails with only its error.
 */
export function checkDemoTenant(corpusDir: string, tenant: string | undefined): void {
  if (tenant === undefined) return;
  const { companies } = loadDemoDirectory(corpusDir);
  if (companies.some((c) => c.tenant === tenant)) return;
  throw new ClearanceError(
    "DEMO_NO_TENANT",
    `the corpus has no Connected User ${tenant} (it has ${companies.map((c) => c.tenant).join(", ")})`,
  );
}

function listed(values: string[]): string {
  const shown = values.slice(0, 8).join(", ");
  return values.length > 8 ? `${shown}, … (${values.length} in all)` : shown;
}
