import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, smallCorpus, snapshot, startHarness } from "./harness.js";

const roster = "名前,部署\n田中,営業部\nRenée Müller,Café €5 budget\n佐藤,経理部\n";
const utf8 = Buffer.from(roster);
// Cut inside the last character (経理部's 部 is three bytes), as a byte-limited export leaves a file.
const cutOff = new Uint8Array(utf8.subarray(0, utf8.length - 3));
// One stray byte in the middle (a Latin-1 0xE9 pasted into UTF-8 text).
const strayByte = new Uint8Array(
  Buffer.concat([Buffer.from("部署: 営業部\n"), Buffer.from([0xe9]), Buffer.from(" Café\n")]),
);

describe("UTF-8 text with a broken byte sequence", () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({
      corpus: smallCorpus({ "drive/HR/Roster.csv": cutOff, "drive/HR/Note.txt": strayByte }),
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("is read as UTF-8 with the broken spot replaced, not the whole file as Windows-1252 mojibake", async () => {
    const report = await h.run();
    expect(report.ok).toBe(true);
    const { chunks } = await snapshot(h.store, Object.values(h.syncIds));
    const textOf = (name: string) =>
      chunks
        .filter((chunk) => chunk.name === name)
        .map((chunk) => chunk.text)
        .join("\n");
    expect(textOf("Roster.csv")).toBe(
      "名前: 田中; 部署: 営業部\n名前: Renée Müller; 部署: Café €5 budget\n名前: 佐藤; 部署: 経理\uFFFD",
    );
    expect(textOf("Note.txt")).toBe("部署: 営業部\n\uFFFD Café");
  });
});
