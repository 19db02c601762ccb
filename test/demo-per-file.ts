import { join } from "node:path";
import { afterAll, afterEach, beforeAll, vi } from "vitest";
import { type Demo, startDemo } from "../src/demo/index.js";

/** The bundled example corpus (Northwind and Kestrel). */
export const CORPUS_DIR = join(import.meta.dirname, "../examples/corpus");

/**
 * The offline demo for real (the emulator on loopback, the embedded store) for the tests of the
 * file it is called in: started once before them, closed after; the emulator's faults and every
 * spy cleared after each test. Call the returned function inside a test.
 *
 * @example const demo = demoPerFile(); it("…", async () => { demo().emulator.faults.set(…); });
 */
export function demoPerFile(): () => Demo {
  let current: Demo | undefined;
  beforeAll(async () => {
    current = await startDemo({ corpusDir: CORPUS_DIR });
  }, 180_000);
  afterAll(async () => {
    await current?.close();
  });
  afterEach(() => {
    current?.emulator.faults.clear();
    vi.restoreAllMocks();
  });
  return () => {
    if (!current) throw new Error("demoPerFile(): call its function inside a test");
    return current;
  };
}
