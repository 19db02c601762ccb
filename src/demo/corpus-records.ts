import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { type RecordsConfig, recordsSchema } from "../config/index.js";
import { ClearanceError } from "../errors.js";

/**
 * How the corpus's CRM and ticketing syncs are to be treated: the `records` section of
 * `<corpus>/clearance.yaml` (docs/records.md). Without the file every record sync is denied, as
 * in any deployment that sets no record policy.
 */
export async function loadCorpusRecords(corpusDir: string): Promise<RecordsConfig | undefined> {
  const file = join(corpusDir, "clearance.yaml");
  const text = await readFile(file, "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  const parsed = recordsSchema.safeParse((parseYaml(text) as { records?: unknown } | null)?.records ?? {});
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `records.${i.path.join(".")}: ${i.message}`).join("; ");
    throw new ClearanceError("DEMO_RECORDS_INVALID", `${file} is not a valid records config: ${where}`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}
