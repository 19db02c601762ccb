import { describe, expect, it } from "vitest";
import { extractText } from "../../../src/ingest/text/index.js";
import { fixture, generous } from "./fixture-files.js";

// Issue 11, items 11–13: what real documents lost or garbled on the way to text.
async function textOf(name: string): Promise<string> {
  return (
    await extractText({ bytes: await fixture(name), mimeType: "application/octet-stream", name }, generous)
  ).text;
}

describe("HTML keeps <aside> content (item 11)", () => {
  it("keeps Sphinx footnotes and sidebars in the main content, drops navigation, header and footer", async () => {
    const text = await textOf("sphinx-page.html");
    expect(text).toContain("Audit logs are kept for seven years");
    expect(text).toContain("Seven years is the longest period any of our regulators requires.");
    expect(text).toContain("Legal holds suspend deletion until counsel releases them.");
    for (const chrome of [
      "Docs header chrome",
      "Docs footer chrome",
      "Sidebar search box",
      "index",
      "DOCUMENTATION",
    ]) {
      expect(text).not.toContain(chrome);
    }
  });

  it("keeps an aside on a page without a main element, still dropping nav and scripts", async () => {
    const bytes = new TextEncoder().encode(
      "<html><body><nav>Menu</nav><p>Body text.</p><aside>Note: rotate keys yearly.</aside><script>x()</script></body></html>",
    );
    const { text } = await extractText({ bytes, mimeType: "text/html", name: "a.html" }, generous);
    expect(text).toBe("Body text.\n\nNote: rotate keys yearly.");
  });
});

describe("XLSX number formats and header detection (item 12)", () => {
  it("applies each cell's number format: dates, date-times, percentages, grouped decimals, General", async () => {
    const text = await textOf("people.xlsx");
    expect(text).toContain(
      "name: David Bowie; occupation: musician; born: 1947-01-08; created: 2004-03-05; " +
        "updated: 2004-03-05 18:00; score: 0.6831453; share: 12.50%; salary: 1,234,567.50",
    );
    expect(text).toContain(
      "name: Grace Hopper; occupation: computer scientist; born: 1906-12-09; created: 2019-07-01; " +
        "updated: 2019-07-01 12:00; score: 0.3; share: 50.00%; salary: 98,000.00",
    );
    expect(text).not.toMatch(/38051|0\.6831452999|0\.30000000000000004/);
  });

  it("takes the first mostly-text row followed by rows of its width as the header, not a title above it", async () => {
    const text = await textOf("people.xlsx");
    expect(text.startsWith("Sheet: People\nLots of people\nname: David Bowie;")).toBe(true);
    expect(text).not.toContain("Lots of people:");
    expect(text).not.toContain("Column 2");
  });

  it("reads dates of a workbook in the 1904 date system", async () => {
    expect(await textOf("mac-dates.xlsx")).toBe("Sheet: Dates\nevent: Launch; date: 2004-03-05");
  });

  it("still reads a plain sheet whose first row is the header", async () => {
    const text = await textOf("budget.xlsx");
    expect(text).toContain("Region: North & East; Quarter: Q1; Revenue: 125000");
    expect(text).toContain("Sheet: Notes\nRemark: Southern revenue dipped because of the warehouse move.");
  });
});

describe("DOCX and PPTX tables keep their rows (item 13)", () => {
  it("renders a DOCX table one row per line, cells joined with |", async () => {
    const text = await textOf("rota.docx");
    expect(text).toContain(
      "Week | Primary | Secondary\n1 | Ada Lovelace | Grace Hopper\n2 | Lin Wei | Ada Lovelace",
    );
    expect(text).toContain("On-call rota");
    expect(text).toContain("Swaps need a manager's approval.");
  });

  it("renders a PPTX table one row per line, cells joined with |", async () => {
    const text = await textOf("targets.pptx");
    expect(text).toBe(
      "Regional targets\nRegion | Target | Owner\nEMEA | $1.2M | Lin Wei\nAPAC | $0.8M | Grace Hopper\nReviewed every quarter.",
    );
  });
});
