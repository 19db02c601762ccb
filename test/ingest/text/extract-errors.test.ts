import { readdir } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import {
  chunkText,
  ExtractError,
  type ExtractErrorCode,
  type ExtractLimits,
  extractText,
} from "../../../src/ingest/text/index.js";
import { fixture, fixturesDir, generous } from "./fixture-files.js";

const docxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

async function failure(promise: Promise<unknown>): Promise<ExtractError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ExtractError);
  return error as ExtractError;
}

async function codeFor(
  name: string,
  mimeType: string,
  limits: ExtractLimits = generous,
): Promise<ExtractError> {
  return failure(extractText({ bytes: await fixture(name), mimeType, name }, limits));
}

describe("extractText on bad files", () => {
  it("reports a corrupted PDF as MALFORMED", async () => {
    const error = await codeFor("corrupted.pdf", "application/pdf");
    expect(error.code).toBe("MALFORMED");
    expect(error.skip).toBe(false);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it("reports a password-protected PDF as ENCRYPTED", async () => {
    expect((await codeFor("encrypted.pdf", "application/pdf")).code).toBe("ENCRYPTED");
  });

  it("reports a zip bomb disguised as DOCX from its declared sizes", async () => {
    const error = await codeFor("bomb.docx", docxType);
    expect(error.code).toBe("ZIP_BOMB");
    expect(error.message).toMatch(/would inflate to \d+ bytes/);
  });

  it("reports overlapping entries as ZIP_BOMB even when the total is under the limit", async () => {
    const limits = { ...generous, maxUncompressedBytes: Number.MAX_SAFE_INTEGER };
    const error = await codeFor("bomb.docx", docxType, limits);
    expect(error.code).toBe("ZIP_BOMB");
    expect(error.message).toMatch(/more than compression can produce/);
  });

  it("stops a zip whose directory lies about sizes while inflating", async () => {
    const error = await codeFor("bomb-lying-sizes.docx", docxType);
    expect(error.code).toBe("ZIP_BOMB");
    expect(error.message).toMatch(/inflates past its declared/);
  });

  it("applies maxUncompressedBytes to honest OOXML files too", async () => {
    const error = await codeFor("budget.xlsx", "application/octet-stream", {
      ...generous,
      maxUncompressedBytes: 1000,
    });
    expect(error.code).toBe("ZIP_BOMB");
  });

  it("reports a DOCX that is not a zip as MALFORMED", async () => {
    expect((await codeFor("not-a-zip.docx", docxType)).code).toBe("MALFORMED");
  });

  it("reports a password-protected Office file (OLE container) as ENCRYPTED", async () => {
    const header = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    const bytes = new Uint8Array(
      Buffer.concat([
        header,
        Buffer.alloc(504),
        Buffer.from("EncryptedPackage", "utf16le"),
        Buffer.alloc(64),
      ]),
    );
    const error = await failure(extractText({ bytes, mimeType: docxType, name: "locked.docx" }, generous));
    expect(error.code).toBe("ENCRYPTED");
  });

  it("reports a 0-byte file and a whitespace-only file as EMPTY", async () => {
    expect((await codeFor("empty.txt", "text/plain")).code).toBe("EMPTY");
    expect((await codeFor("blank.txt", "text/plain")).code).toBe("EMPTY");
    expect((await codeFor("empty.txt", "application/pdf")).code).toBe("EMPTY");
  });

  it("refuses a file over maxBytes before parsing it", async () => {
    // The corrupted PDF would be MALFORMED if parsed: TOO_LARGE proves the size check comes first.
    const error = await codeFor("corrupted.pdf", "application/pdf", { ...generous, maxBytes: 100 });
    expect(error.code).toBe("TOO_LARGE");
    expect(error.message).toMatch(/raise maxBytes/);
  });

  it("refuses text longer than maxChars", async () => {
    const error = await codeFor("report.pdf", "application/pdf", { ...generous, maxChars: 50 });
    expect(error.code).toBe("TOO_LONG");
  });

  it("refuses malformed CSV and JSON, and binary bytes labelled as text", async () => {
    const bytes = (text: string) => new TextEncoder().encode(text);
    const csv = extractText(
      { bytes: bytes('a,b\n"unterminated,1\n'), mimeType: "text/csv", name: "x.csv" },
      generous,
    );
    expect((await failure(csv)).code).toBe("MALFORMED");
    const json = extractText(
      { bytes: bytes('{"a": 1,'), mimeType: "application/json", name: "x.json" },
      generous,
    );
    expect((await failure(json)).code).toBe("MALFORMED");
    const binary = extractText(
      {
        bytes: Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x0d]),
        mimeType: "text/plain",
        name: "x.txt",
      },
      generous,
    );
    expect((await failure(binary)).code).toBe("MALFORMED");
    // Text for 10 KB, then a NUL: still a binary file (only the first 8 KB were looked at).
    const head = new TextEncoder().encode("log line\n".repeat(1200));
    const binaryTail = extractText(
      { bytes: Uint8Array.from([...head, 0x00, 0x01, 0x02, 0x7f]), mimeType: "text/plain", name: "x.log" },
      generous,
    );
    expect((await failure(binaryTail)).message).toMatch(/binary data/);
    // NULs that only pad the end are not content.
    const padded = Uint8Array.from([...bytes("a padded log\n"), 0, 0, 0, 0]);
    expect(await extractText({ bytes: padded, mimeType: "text/plain", name: "p.log" }, generous)).toEqual({
      text: "a padded log",
    });
  });

  it("skips folders and unsupported types, with the reason", async () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const folder = await failure(
      extractText({ bytes, mimeType: "application/vnd.google-apps.folder", name: "Team Drive" }, generous),
    );
    expect([folder.code, folder.skip]).toEqual(["FOLDER", true]);
    const image = await failure(extractText({ bytes, mimeType: "image/png", name: "logo.png" }, generous));
    expect([image.code, image.skip]).toEqual(["UNSUPPORTED_TYPE", true]);
    expect(image.message).toContain("image/png");
  });

  it("stops a big CSV at the timeout instead of blocking the process", async () => {
    // 2 MB is parsed in 256 KB slices with a turn of the event loop between them, so a zero
    // budget always runs out while slices remain, however fast the machine.
    const row = "Ada Lovelace,ada@example.com,Research,analytical engine notes\n";
    const bytes = new TextEncoder().encode(`name,email,team,notes\n${row.repeat(32_000)}`);
    const attempt = extractText(
      { bytes, mimeType: "text/csv", name: "big.csv" },
      { ...generous, timeoutMs: 0 },
    );
    const error = await failure(attempt);
    expect(error.code).toBe("TIMEOUT");
    expect(error.skip).toBe(false);
  });

  it("rethrows the caller's abort instead of recording a per-file error", async () => {
    const controller = new AbortController();
    controller.abort(new Error("run stopped"));
    const bytes = await fixture("report.pdf");
    const attempt = extractText(
      { bytes, mimeType: "application/pdf", name: "report.pdf" },
      { ...generous, signal: controller.signal },
    );
    await expect(attempt).rejects.toThrow("run stopped");
  });
});

describe("a run over every fixture", () => {
  it("records each bad file with its code and chunks all the others", async () => {
    const names = (await readdir(fixturesDir)).sort();
    const chunked: string[] = [];
    const failed = new Map<string, ExtractErrorCode>();
    for (const name of names) {
      try {
        const extracted = await extractText(
          { bytes: await fixture(name), mimeType: "application/octet-stream", name },
          { maxBytes: 12_000, maxChars: 100_000 },
        );
        const chunks = await chunkText(extracted, { chunkSize: 200, chunkOverlap: 20 });
        chunked.push(...chunks.map(() => name));
      } catch (error) {
        if (!(error instanceof ExtractError)) throw error;
        failed.set(name, error.code);
      }
    }
    expect(Object.fromEntries(failed)).toEqual({
      "blank.txt": "EMPTY",
      "bomb-lying-sizes.docx": "ZIP_BOMB",
      "bomb.docx": "ZIP_BOMB",
      "corrupted.pdf": "MALFORMED",
      "empty.txt": "EMPTY",
      "encrypted.pdf": "ENCRYPTED",
      "not-a-zip.docx": "MALFORMED",
      "oversized.txt": "TOO_LARGE",
    });
    const ingested = new Set(chunked);
    expect([...ingested].sort()).toEqual(names.filter((name) => !failed.has(name)));
  });
});
