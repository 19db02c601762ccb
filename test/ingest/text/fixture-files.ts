import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

/** The committed files written by `scripts/make-test-fixtures.ts`. */
export const fixturesDir = fileURLToPath(new URL("../../fixtures/files/", import.meta.url));

export async function fixture(name: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(`${fixturesDir}${name}`));
}

export const generous = { maxBytes: 5 * 1024 * 1024, maxChars: 1_000_000 };
