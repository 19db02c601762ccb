import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { zipArchive } from "../../src/emulator/server/zip-archive.js";
import { type Harness, smallCorpus, snapshot, startHarness } from "./harness.js";

/** A one-sheet workbook whose `<sheetData>` is `rows`, cells as inline strings. */
function workbook(rows: string): Uint8Array {
  const main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
  const relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
  const text = new TextEncoder();
  return zipArchive(
    Object.entries({
      "xl/workbook.xml": `<workbook xmlns="${main}" xmlns:r="${relationships}"><sheets><sheet name="Plan" sheetId="1" r:id="rId1"/></sheets></workbook>`,
      "xl/_rels/workbook.xml.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${relationships}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
      "xl/worksheets/sheet1.xml": `<worksheet xmlns="${main}"><sheetData>${rows}</sheetData></worksheet>`,
    }).map(([name, xml]) => ({ name, bytes: text.encode(xml) })),
  );
}

const cell = (reference: string, text: string) =>
  `<c r="${reference}" t="inlineStr"><is><t>${text}</t></is></c>`;

/**
 * 60 KB: a header whose three cells lie thousands of columns apart, then 8,000 rows of one cell
 * each in the last column (XFD). Read into rows as wide as their last cell (16,384 slots each),
 * it spun past this run's 5 s deadline (TIMEOUT); under the default 60 s one, 5,000 such rows
 * took the extraction worker past its 512 MB heap in 15 s (OUT_OF_MEMORY), for 5,000 cells of text.
 */
function sparseRows(): string {
  const rows = [
    `<row r="1">${cell("A1", "Name")}${cell("CVU1", "Team")}${cell("XFD1", "Note")}</row>`,
    `<row r="2">${cell("A2", "Ada")}${cell("CVU2", "Research")}</row>`,
  ];
  for (let r = 3; r <= 8_002; r++) rows.push(`<row r="${r}">${cell(`XFD${r}`, `note ${r}`)}</row>`);
  return rows.join("");
}

describe("hostile workbooks: a cell past the last column a sheet has (XFD), cells far apart", () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({
      corpus: smallCorpus({
        // 2 KB: column FXSHRXW is 2^31. Placed by its index, the row became an array of 2^31 slots
        // that every step of rendering walked: the worker spun until its deadline, on every run.
        "drive/Finance/Wide.xlsx": workbook(
          `<row r="1">${cell("A1", "Name")}${cell("FXSHRXW1", "Hidden")}</row><row r="2">${cell("A2", "Ada")}</row>`,
        ),
        "drive/Finance/Sparse.xlsx": workbook(sparseRows()),
        "drive/Finance/Plan.xlsx": workbook(
          `<row r="1">${cell("A1", "Name")}${cell("XFD1", "Last column")}</row><row r="2">${cell("A2", "Ada")}${cell("XFD2", "ok")}</row>`,
        ),
      }),
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("is unindexable as MALFORMED at once, not a timeout each run; sheets reaching XFD are read, sparse ones cell by cell", async () => {
    // A deadline no healthy parse of these files comes near, and that the unfixed parse always hit.
    const report = await h.run({ extractTimeoutMs: 5_000 });
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.unindexable.map(({ name, code }) => ({ name, code }))).toEqual([
      { name: "Wide.xlsx", code: "MALFORMED" },
    ]);
    expect(report.unindexable[0]?.reason).toMatch(/FXSHRXW1.*XFD/);
    expect(report.counts).toMatchObject({ new: 9, unindexable: 1 });
    const { chunks } = await snapshot(h.store, Object.values(h.syncIds));
    expect(chunks.find((chunk) => chunk.name === "Plan.xlsx")?.text).toContain("Name: Ada; Last column: ok");
    const sparse = chunks
      .filter((chunk) => chunk.name === "Sparse.xlsx")
      .map((chunk) => chunk.text)
      .join("\n");
    expect(sparse).toContain("Name: Ada; Team: Research");
    expect(sparse).toContain("Note: note 4000");
    expect(sparse).toContain("Note: note 8002");
  });
});
