import { parse as parseYaml } from "yaml";
import type { EmulatorState, RecordInput, SyncEntry } from "../state/index.js";
import { CorpusError } from "./errors.js";

/**
 * Fills a CRM or ticketing sync from its records file: a YAML (or `.json`) list of records in the
 * pipeline's normalized form (docs/corpus-manifest.md). Each gets the corpus time unless it pins its
 * dates, and an externalId derived from its position unless it pins one (pin the ids other records
 * refer to, like a deal's `accountId`). Errors name the file, the entry and the field.
 */
export function loadRecords(
  state: EmulatorState,
  sync: SyncEntry,
  path: string,
  bytes: Uint8Array | undefined,
  at: string,
): void {
  if (!bytes) {
    throw new CorpusError(
      `records file "${path}" (${sync.integration}/${sync.pipeline}) is not in the corpus`,
    );
  }
  let entries: unknown;
  try {
    const text = new TextDecoder().decode(bytes);
    entries = path.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
  } catch (cause) {
    throw new CorpusError(
      `${path}: not valid ${path.endsWith(".json") ? "JSON" : "YAML"} (${(cause as Error).message})`,
      {
        cause,
      },
    );
  }
  if (!Array.isArray(entries)) {
    throw new CorpusError(`${path}: must be a list of ${sync.pipeline} records`);
  }
  entries.forEach((entry, index) => {
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      throw new CorpusError(`${path}: [${index}] must be a record (a mapping of fields)`);
    }
    try {
      state.createRecord(sync.id, entry as RecordInput, { at, seed: `${sync.id}#${index}` });
    } catch (cause) {
      throw new CorpusError(`${path}: [${index}] ${(cause as Error).message}`, { cause });
    }
  });
}
