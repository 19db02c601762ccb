import { describe, expect, it } from "vitest";
import { detectFormat, isFolderMimeType } from "../../../src/ingest/text/index.js";

describe("detectFormat", () => {
  it.each([
    ["application/pdf", "x", "pdf"],
    ["application/vnd.openxmlformats-officedocument.wordprocessingml.document", "x", "docx"],
    ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "x", "xlsx"],
    ["application/vnd.openxmlformats-officedocument.presentationml.presentation", "x", "pptx"],
    ["application/vnd.google-apps.document", "Plan", "docx"],
    ["application/vnd.google-apps.spreadsheet", "Budget", "xlsx"],
    ["application/vnd.google-apps.presentation", "Deck", "pptx"],
    ["text/html; charset=UTF-8", "x", "html"],
    ["TEXT/CSV", "x", "csv"],
    ["application/ld+json", "x", "json"],
    ["text/markdown", "x", "markdown"],
    ["text/plain", "x", "text"],
  ] as const)("%s → %s", (mimeType, name, format) => {
    expect(detectFormat(mimeType, name)).toBe(format);
  });

  it("falls back to the extension for generic or missing types", () => {
    expect(detectFormat("application/octet-stream", "Q3 Plan.DOCX")).toBe("docx");
    expect(detectFormat("", "notes.md")).toBe("markdown");
    expect(detectFormat("application/vnd.ms-excel", "export.csv")).toBe("csv");
  });

  it("returns undefined when neither type nor name is readable", () => {
    expect(detectFormat("image/png", "logo.png")).toBeUndefined();
    expect(detectFormat("application/octet-stream", "archive")).toBeUndefined();
    expect(detectFormat("video/mp4", "clip.mp4")).toBeUndefined();
  });
});

describe("isFolderMimeType", () => {
  it("recognises folder types from the providers", () => {
    expect(isFolderMimeType("application/vnd.google-apps.folder")).toBe(true);
    expect(isFolderMimeType("inode/directory")).toBe(true);
    expect(isFolderMimeType("application/vnd.box.folder")).toBe(true);
    expect(isFolderMimeType("application/pdf")).toBe(false);
    expect(isFolderMimeType("text/plain")).toBe(false);
  });
});
