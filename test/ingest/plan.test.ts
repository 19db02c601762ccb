import { describe, expect, it } from "vitest";
import { planRecord } from "../../src/ingest/plan.js";
import { fileMetadata, type SyncInfo } from "../../src/ingest/record-metadata.js";
import { fileSourceVersion, sameContent } from "../../src/ingest/source-version.js";
import type { RecordVersion } from "../../src/store/index.js";

const LIMITS = "maxFileBytes=1000;maxChars=1000";
const drive: SyncInfo = { id: "sync-1", integration: "googledrive", pipeline: "files" };
const crm: SyncInfo = { id: "sync-2", integration: "hubspot", pipeline: "contacts" };

const file: {
  id: string;
  externalId: string;
  name: string;
  mimeType: string;
  size: number;
  url: string;
  updatedAt: string;
  hash?: { sha256: string };
} = {
  id: "rec-1",
  externalId: "ext-1",
  name: "Plan.md",
  mimeType: "text/markdown",
  size: 120,
  url: "https://drive.example/ext-1",
  updatedAt: "2026-01-01T00:00:00Z",
  hash: { sha256: "aaa" },
};

function storedFor(record: typeof file, sync = drive): RecordVersion {
  return {
    tenant: "t",
    syncId: sync.id,
    recordId: record.id,
    contentHash: "h1",
    sourceVersion: fileSourceVersion(record, fileMetadata(record, sync)).value,
    chunkCount: 2,
    updatedAt: "2026-01-02T00:00:00Z",
  };
}

describe("planRecord", () => {
  it("downloads a file it has never seen", () => {
    expect(planRecord(file, drive, undefined, LIMITS).action).toBe("download");
  });

  it("leaves a file alone when its source version is the stored one", () => {
    expect(planRecord(file, drive, storedFor(file), LIMITS).action).toBe("unchanged");
  });

  it("patches metadata without a download when only the name changed and the source hash is the same", () => {
    const renamed = { ...file, name: "Roadmap.md", updatedAt: "2026-02-01T00:00:00Z" };
    const plan = planRecord(renamed, drive, storedFor(file), LIMITS);
    expect(plan.action).toBe("patch");
    expect(plan.action === "patch" && plan.metadata.name).toBe("Roadmap.md");
  });

  it("downloads again when the source hash changed", () => {
    const edited = { ...file, hash: { sha256: "bbb" } };
    expect(planRecord(edited, drive, storedFor(file), LIMITS).action).toBe("download");
  });

  it("downloads again on a new updatedAt when the source gives no hash to trust", () => {
    const noHash = { ...file, hash: undefined };
    const touched = { ...noHash, updatedAt: "2026-03-01T00:00:00Z" };
    expect(planRecord(touched, drive, storedFor(noHash), LIMITS).action).toBe("download");
    expect(planRecord(noHash, drive, storedFor(noHash), LIMITS).action).toBe("unchanged");
  });

  it("deletes tombstones, skips folders, and drops chunks of a file that became unreadable", () => {
    expect(planRecord({ id: "rec-1", deleted: true }, drive, storedFor(file), LIMITS).action).toBe("delete");
    expect(
      planRecord({ ...file, mimeType: "application/vnd.google-apps.folder" }, drive, undefined, LIMITS),
    ).toMatchObject({
      action: "skip",
      code: "FOLDER",
      drop: false,
    });
    expect(
      planRecord({ ...file, name: "Plan.png", mimeType: "image/png" }, drive, storedFor(file), LIMITS),
    ).toMatchObject({
      action: "skip",
      code: "UNSUPPORTED_TYPE",
      drop: true,
    });
  });

  it("drops the chunks of an indexed file that now reports a folder type", () => {
    expect(
      planRecord({ ...file, mimeType: "application/vnd.google-apps.folder" }, drive, storedFor(file), LIMITS),
    ).toMatchObject({ action: "skip", code: "FOLDER", drop: true });
  });

  it("judges a record whose fields have the wrong type unindexable, naming the field, and drops what it had", () => {
    const plan = planRecord({ ...file, size: "large" } as never, drive, undefined, LIMITS);
    expect(plan).toMatchObject({ action: "unindexable", code: "INVALID_RESPONSE", drop: false });
    expect(plan.action === "unindexable" && plan.reason).toMatch(/size/);
    expect(planRecord({ ...file, size: "large" } as never, drive, storedFor(file), LIMITS)).toMatchObject({
      action: "unindexable",
      drop: true,
    });
  });

  it("keeps a stored unindexable verdict for the same version and limits, and reads again otherwise", () => {
    const verdict = {
      ...storedFor(file),
      chunkCount: 0,
      unindexable: { code: "ENCRYPTED", reason: "locked", limits: LIMITS },
    };
    expect(planRecord(file, drive, verdict, LIMITS)).toEqual({
      action: "unindexable",
      recordId: "rec-1",
      name: "Plan.md",
      code: "ENCRYPTED",
      reason: "locked",
      drop: false,
    });
    expect(planRecord(file, drive, verdict, "maxFileBytes=2000;maxChars=1000").action).toBe("download");
    expect(planRecord({ ...file, hash: { sha256: "new" } }, drive, verdict, LIMITS).action).toBe("download");
    // A rename of an unindexable file carries the verdict over without a download.
    expect(planRecord({ ...file, name: "Locked.md" }, drive, verdict, LIMITS).action).toBe("patch");
    const unsupported = {
      ...verdict,
      unindexable: { code: "UNSUPPORTED_TYPE", reason: "no extractor", limits: LIMITS },
    };
    expect(planRecord(file, drive, unsupported, LIMITS)).toMatchObject({
      action: "skip",
      code: "UNSUPPORTED_TYPE",
    });
  });

  it("renders CRM records, and any change of the record is a new version", () => {
    const contact = { id: "c-1", firstName: "Ada", lastName: "Lovelace", updatedAt: "2026-01-01T00:00:00Z" };
    const first = planRecord(contact, crm, undefined, LIMITS);
    expect(first).toMatchObject({
      action: "render",
      metadata: { name: "Ada Lovelace", integration: "hubspot" },
    });
    const stored = {
      ...storedFor(file, crm),
      recordId: "c-1",
      sourceVersion: first.action === "render" ? first.version.value : "",
    };
    expect(planRecord(contact, crm, stored, LIMITS).action).toBe("unchanged");
    expect(planRecord({ ...contact, jobTitle: "Analyst" }, crm, stored, LIMITS).action).toBe("render");
  });
});

describe("sameContent", () => {
  it("compares the content part of two source versions only", () => {
    const a = fileSourceVersion(file, fileMetadata(file, drive)).value;
    const renamed = { ...file, name: "Other.md" };
    const b = fileSourceVersion(renamed, fileMetadata(renamed, drive)).value;
    expect(a).not.toBe(b);
    expect(sameContent(a, b)).toBe(true);
    const edited = { ...file, size: 121 };
    expect(sameContent(a, fileSourceVersion(edited, fileMetadata(edited, drive)).value)).toBe(false);
    expect(sameContent("legacy", "legacy")).toBe(false);
  });
});
