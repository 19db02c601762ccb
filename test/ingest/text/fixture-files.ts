import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

/** The committed files written by `scripts/make-test-fixtures.ts`. */
export const fixturesDir = fileURLToPath(new URL("../../fixtures/files/", import.meta.url));

export async function fixture(name: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(`${fixturesDir}${name}`));
}

export const generous = { maxBytes: 5 * 1024 * 1024, maxChars: 1_000_000 };

/**
 * A few MB of ordinary HTML (generated, too big to commit): html-to-text parses it synchronously
 * for far longer than 20 ms on any machine.
 */
export function bigHtml(paragraphs = 8_000): Uint8Array {
  const body = Array.from(
    { length: paragraphs },
    (_, i) => `<p>Paragraph ${i} of the archive: <b>retention</b> and <a href="/x/${i}">audit</a> notes.</p>`,
  ).join("\n");
  return new TextEncoder().encode(`<html><body><main>${body}</main></body></html>`);
}
