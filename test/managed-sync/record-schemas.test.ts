import { describe, expect, it } from "vitest";
import { isDeleted, isFolder, ManagedSyncResponseError, parseRecord } from "../../src/managed-sync/index.js";

describe("record schemas", () => {
  it("tells folders from files by mimeType", () => {
    expect(isFolder({ mimeType: "application/vnd.google-apps.folder" })).toBe(true);
    expect(isFolder({ mimeType: "inode/directory" })).toBe(true);
    expect(isFolder({ mimeType: "application/vnd.box.folder" })).toBe(true);
    expect(isFolder({ mimeType: "application/pdf" })).toBe(false);
    expect(isFolder({ mimeType: "application/vnd.google-apps.document" })).toBe(false);
    expect(isFolder({ mimeType: null })).toBe(false);
    expect(isFolder({})).toBe(false);
  });

  it("recognises tombstones", () => {
    expect(isDeleted({ deleted: true })).toBe(true);
    expect(isDeleted({ deleted: false })).toBe(false);
    expect(isDeleted({})).toBe(false);
  });

  it("parses each pipeline's records and keeps unknown fields", () => {
    const file = parseRecord("files", {
      id: "f1",
      name: "Plan.pdf",
      mimeType: "application/pdf",
      size: 10,
      hash: { md5: "x" },
      customFields: { fullPath: "/Shared/Plan.pdf" },
      driveId: "d-1",
    });
    expect(file).toMatchObject({
      name: "Plan.pdf",
      driveId: "d-1",
      customFields: { fullPath: "/Shared/Plan.pdf" },
    });
    const contact = parseRecord("contacts", {
      id: "c1",
      firstName: "Ana",
      emails: [{ value: "a@x.test" }],
      score: 9,
    });
    expect(contact).toMatchObject({ firstName: "Ana", score: 9 });
    expect(parseRecord("companies", { id: "co1", name: "Acme", employees: 5 })).toMatchObject({
      employees: 5,
    });
    expect(parseRecord("deals", { id: "d1", amount: 1200, stage: "won" })).toMatchObject({ amount: 1200 });
    expect(
      parseRecord("custom_objects", { id: "o1", objectType: "Invoice", customFields: { n: 1 } }),
    ).toMatchObject({
      objectType: "Invoice",
    });
    expect(parseRecord("tickets", { id: "t1", subject: "Printer", status: "open", sla: "p1" })).toMatchObject(
      { sla: "p1" },
    );
    expect(parseRecord("files", { id: "gone", deleted: true })).toEqual({ id: "gone", deleted: true });
  });

  it("names the record and the field that is wrong", () => {
    const error = (() => {
      try {
        parseRecord("files", { id: "f9", size: "big" });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ManagedSyncResponseError);
    expect((error as ManagedSyncResponseError).field).toBe("size");
    expect((error as Error).message).toContain("files record f9");
    expect(() => parseRecord("deals", { name: "no id" })).toThrow(/field id/);
  });
});
