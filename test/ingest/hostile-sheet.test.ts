import { crc32 } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, smallCorpus, snapshot, startHarness } from "./harness.js";

/** A zip of stored (uncompressed) entries: enough for a workbook built in the test. */
function storedZip(entries: Record<string, string>): Uint8Array {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(entries)) {
    const fileName = Buffer.from(name);
    const data = Buffer.from(text);
    const sizes = Buffer.alloc(12);
    sizes.writeUInt32LE(crc32(data), 0);
    sizes.writeUInt32LE(data.length, 4);
    sizes.writeUInt32LE(data.length, 8);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    sizes.copy(local, 14);
    local.writeUInt16LE(fileName.length, 26);
    locals.push(local, fileName, data);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    sizes.copy(entry, 16);
    entry.writeUInt16LE(fileName.length, 28);
    entry.writeUInt32LE(offset, 42);
    central.push(entry, fileName);
    offset += local.length + fileName.length + data.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(central.length / 2, 8);
  end.writeUInt16LE(central.length / 2, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, directory, end]));
}

/** A one-sheet workbook whose `<sheetData>` is `rows`, cells as inline strings. */
function workbook(rows: string): Uint8Array {
  const main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
  const relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
  return storedZip({
    "xl/workbook.xml": `<workbook xmlns="${main}" xmlns:r="${relationships}"><sheets><sheet name="Plan" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    "xl/_rels/workbook.xml.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${relationships}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
    "xl/worksheets/sheet1.xml": `<worksheet xmlns="${main}"><sheetData>${rows}</sheetData></worksheet>`,
  });
}

const cell = (reference: string, text: string) =>
  `<c r="${reference}" t="inlineStr"><is><t>${text}</t></is></c>`;

describe("a workbook whose cell lies past the last column a sheet has (XFD)", () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({
      corpus: smallCorpus({
        // 2 KB: column FXSHRXW is 2^31. Placed by its index, the row became an array of 2^31 slots
        // that every step of rendering walked: the worker spun until its deadline, on every run.
        "drive/Finance/Wide.xlsx": workbook(
          `<row r="1">${cell("A1", "Name")}${cell("FXSHRXW1", "Hidden")}</row><row r="2">${cell("A2", "Ada")}</row>`,
        ),
        "drive/Finance/Plan.xlsx": workbook(
          `<row r="1">${cell("A1", "Name")}${cell("XFD1", "Last column")}</row><row r="2">${cell("A2", "Ada")}${cell("XFD2", "ok")}</row>`,
        ),
      }),
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("is unindexable as MALFORMED at once, not a timeout each run; a sheet reaching XFD is read", async () => {
    // A deadline no healthy parse of these files comes near, and that the unfixed parse always hit.
    const report = await h.run({ extractTimeoutMs: 5_000 });
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.unindexable.map(({ name, code }) => ({ name, code }))).toEqual([
      { name: "Wide.xlsx", code: "MALFORMED" },
    ]);
    expect(report.unindexable[0]?.reason).toMatch(/FXSHRXW1.*XFD/);
    expect(report.counts).toMatchObject({ new: 8, unindexable: 1 });
    const { chunks } = await snapshot(h.store, Object.values(h.syncIds));
    expect(chunks.find((chunk) => chunk.name === "Plan.xlsx")?.text).toContain("Name: Ada; Last column: ok");
  });
});
