import { getEventListeners } from "node:events";
import { afterAll, describe, expect, it } from "vitest";
import {
  ExtractError,
  type ExtractErrorCode,
  ExtractPool,
  extractText,
  isPermanentExtractCode,
} from "../../../src/ingest/text/index.js";
import { bigHtml, fixture } from "./fixture-files.js";

/** Limits that only the deadline or the heap can break. */
const roomy = { maxBytes: 50e6, maxChars: 50e6 };
const small = (text: string) => ({
  bytes: new TextEncoder().encode(text),
  mimeType: "text/plain",
  name: "small.txt",
});

async function failure(promise: Promise<unknown>): Promise<ExtractError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ExtractError);
  return error as ExtractError;
}

describe("extraction runs isolated in worker threads (issue 11 item 10)", () => {
  const pool = new ExtractPool({ size: 1 });
  afterAll(() => pool.close());

  it("ends a synchronous parser at a 20 ms deadline as TIMEOUT, and the main thread keeps turning meanwhile", async () => {
    let turns = 0;
    const ticker = setInterval(() => turns++, 1);
    try {
      const error = await failure(
        extractText(
          { bytes: bigHtml(), mimeType: "text/html", name: "archive.html" },
          { ...roomy, timeoutMs: 20 },
        ),
      );
      expect(error.code).toBe("TIMEOUT");
      expect(error.message).toMatch(/archive\.html took longer than 20 ms/);
      expect(error.permanent).toBe(false);
      expect(turns).toBeGreaterThan(0);
    } finally {
      clearInterval(ticker);
    }
  });

  it("replaces a killed worker: the next file is read", async () => {
    const killed = extractText(
      { bytes: bigHtml(), mimeType: "text/html", name: "archive.html" },
      { ...roomy, timeoutMs: 20 },
      pool,
    );
    expect((await failure(killed)).code).toBe("TIMEOUT");
    expect(await extractText(small("after the timeout"), roomy, pool)).toEqual({ text: "after the timeout" });
  });

  it("takes a deadline longer than a timer can hold (2^31 ms) as no deadline, not as an instant one", async () => {
    // Node fires such a timer after 1 ms: every file would be TIMEOUT, then unindexable for good.
    const years = { ...roomy, timeoutMs: 10 * 365 * 24 * 3600_000 };
    const text = "a patient reader\n".repeat(200_000).trim();
    expect((await extractText(small(text), years, pool)).text).toHaveLength(text.length);
  });

  it("keeps a file's deadline for its own parsing, not for its wait behind another file", async () => {
    // One worker: the small file waits while the big one parses for far longer than 250 ms.
    const big = extractText({ bytes: bigHtml(), mimeType: "text/html", name: "big.html" }, roomy, pool);
    const waiting = extractText(small("queued"), { ...roomy, timeoutMs: 250 }, pool);
    await expect(waiting).resolves.toEqual({ text: "queued" });
    await expect(big).resolves.toMatchObject({ text: expect.stringContaining("Paragraph 7999") });
  });

  it("turns a heap blow-up into OUT_OF_MEMORY for that file; the process and the pool go on", async () => {
    const tight = new ExtractPool({ size: 1, maxMemoryMb: 16 });
    try {
      const error = await failure(
        extractText({ bytes: bigHtml(30_000), mimeType: "text/html", name: "huge.html" }, roomy, tight),
      );
      expect(error.code).toBe("OUT_OF_MEMORY");
      expect(error.message).toMatch(/huge\.html needs more than the extraction worker's 16 MB heap/);
      expect(error.permanent).toBe(true);
      expect(await extractText(small("still here"), roomy, tight)).toEqual({ text: "still here" });
    } finally {
      await tight.close();
    }
  });

  it("rejects with the caller's reason when the run is cancelled mid-parse", async () => {
    const controller = new AbortController();
    const attempt = extractText(
      { bytes: bigHtml(), mimeType: "text/html", name: "archive.html" },
      { ...roomy, signal: controller.signal },
      pool,
    );
    setTimeout(() => controller.abort(new Error("run stopped")), 5);
    await expect(attempt).rejects.toThrow("run stopped");
    expect(await extractText(small("after the abort"), roomy, pool)).toEqual({ text: "after the abort" });
  });

  it("leaves no listener behind on a signal shared by a whole run", async () => {
    const run = new AbortController();
    const files = Array.from({ length: 20 }, (_, i) => small(`file ${i}`));
    await Promise.all(files.map((file) => extractText(file, { ...roomy, signal: run.signal }, pool)));
    expect(getEventListeners(run.signal, "abort")).toHaveLength(0);
  });

  it("carries a parser's own failure back with its code and cause", async () => {
    const error = await failure(
      extractText(
        { bytes: await fixture("encrypted.pdf"), mimeType: "application/pdf", name: "e.pdf" },
        roomy,
        pool,
      ),
    );
    expect([error.code, error.permanent]).toEqual(["ENCRYPTED", true]);
    expect(error.cause).toBeInstanceOf(Error);
  });
});

describe("extraction failure codes say whether a retry can help", () => {
  it("marks content problems permanent and deadline or crash transient", () => {
    const permanent: ExtractErrorCode[] = [
      "UNSUPPORTED_TYPE",
      "FOLDER",
      "MALFORMED",
      "ENCRYPTED",
      "EMPTY",
      "TOO_LARGE",
      "TOO_LONG",
      "ZIP_BOMB",
      "OUT_OF_MEMORY",
    ];
    for (const code of permanent) expect([code, isPermanentExtractCode(code)]).toEqual([code, true]);
    for (const code of ["TIMEOUT", "EXTRACTOR_CRASHED", "HTTP_503", ""]) {
      expect([code, isPermanentExtractCode(code)]).toEqual([code, false]);
    }
    expect(new ExtractError("ENCRYPTED", "x").permanent).toBe(true);
    expect(new ExtractError("TIMEOUT", "x").permanent).toBe(false);
  });
});
