import { describe, expect, it } from "vitest";
import { extractText } from "../../../src/ingest/text/index.js";
import { fixture, generous } from "./fixture-files.js";

const mime = {
  pdf: "application/pdf",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
};

async function extract(name: string, mimeType: string) {
  return extractText({ bytes: await fixture(name), mimeType, name }, generous);
}

describe("extractText by format", () => {
  it("reads a multi-page PDF page by page", async () => {
    const result = await extract("report.pdf", mime.pdf);
    expect(result.pages?.map((page) => page.page)).toEqual([1, 2, 3]);
    expect(result.pages?.[0]?.text).toContain("the pilot started in January");
    expect(result.pages?.[1]?.text).toBe("Page two explains that churn fell to three percent.");
    expect(result.pages?.[2]?.text).toContain("vendor lock-in");
    expect(result.text).not.toMatch(/-- \d+ of \d+ --/);
    expect(result.text).toContain("churn fell to three percent");
  });

  it("reads a DOCX, runs with formatting joined", async () => {
    const { text, pages } = await extract("handbook.docx", mime.docx);
    expect(text).toContain("Employee Handbook");
    expect(text).toContain("twenty-five days of paid vacation");
    expect(text).toContain("Expense reports are due within thirty days of the purchase.");
    expect(pages).toBeUndefined();
  });

  it("reads an XLSX as labelled rows per sheet, shared and inline strings resolved", async () => {
    const { text } = await extract("budget.xlsx", mime.xlsx);
    expect(text).toContain("Sheet: Revenue");
    expect(text).toContain("Region: North & East; Quarter: Q1; Revenue: 125000");
    expect(text).toContain("Region: South; Quarter: Q2; Revenue: 98000.5");
    expect(text).toContain("Sheet: Notes\nRemark: Southern revenue dipped because of the warehouse move.");
  });

  it("reads a PPTX one page per slide, in presentation order, with speaker notes", async () => {
    const { pages } = await extract("slides.pptx", mime.pptx);
    expect(pages).toEqual([
      {
        page: 1,
        text: "Roadmap 2025\nWe launch the partner portal in March.\nNotes: Mention the pricing change before the demo.",
      },
      { page: 2, text: "Hiring plan\nEngineering grows by four people & design by one." },
    ]);
  });

  it("reads HTML without navigation, scripts, styles or footer chrome", async () => {
    const { text } = await extract("confluence-page.html", "text/html; charset=utf-8");
    expect(text).toContain("Onboarding checklist");
    expect(text).toContain("New hires get a laptop on their first day & meet their buddy before lunch.");
    expect(text).toContain("Enable two-factor authentication.");
    expect(text).toContain("Ship a small fix");
    for (const noise of [
      "tracking-noise",
      "more noise",
      "font-family",
      "Spaces",
      "header chrome",
      "Footer chrome",
    ]) {
      expect(text).not.toContain(noise);
    }
    expect(text).not.toContain("/home");
  });

  it("reads CSV rows as header: value lines", async () => {
    const { text } = await extract("people.csv", "text/csv");
    expect(text.split("\n")).toEqual([
      "name: Ada Lovelace; email: ada@example.com; team: Research; notes: Leads the analytical engine project, part-time",
      "name: Grace Hopper; email: grace@example.com; team: Compilers; notes: Prefers COBOL reviews on Fridays",
    ]);
  });

  it("reads TSV with the tab delimiter", async () => {
    const bytes = new TextEncoder().encode("city\tcountry\nLyon\tFrance\n");
    const { text } = await extractText(
      { bytes, mimeType: "text/tab-separated-values", name: "c.tsv" },
      generous,
    );
    expect(text).toBe("city: Lyon; country: France");
  });

  it("reads JSON as labelled fields, nested paths kept", async () => {
    const { text } = await extract("project.json", "application/json");
    expect(text).toContain("Project: Atlas");
    expect(text).toContain("Owner > Name: Lin Wei");
    expect(text).toContain("Milestones 2: Name: General availability; Due: 2025-01-15; Done: no");
    expect(text).toContain("Summary: Atlas migrates the billing database to the new cluster.");
  });

  it("reads Markdown and plain text as written", async () => {
    expect((await extract("incident.md", "text/markdown")).text).toContain(
      "The search cluster ran out of disk on **Tuesday** at 14:05 UTC.",
    );
    expect((await extract("notes.txt", "text/plain")).text).toBe(
      "Quarterly planning notes.\nThe design review moved to Thursday afternoon.",
    );
  });

  it("falls back to the file extension when the MIME type is generic", async () => {
    const pdf = await extract("report.pdf", "application/octet-stream");
    expect(pdf.pages).toHaveLength(3);
    const docx = await extract("handbook.docx", "");
    expect(docx.text).toContain("paid vacation");
  });

  it("recognises a PDF by its bytes whatever the label says", async () => {
    const drawing = await extract("report.pdf", "application/vnd.google-apps.drawing");
    expect(drawing.pages).toHaveLength(3);
    const mislabelled = await extract("report.pdf", "text/plain");
    expect(mislabelled.pages?.[1]?.text).toContain("churn");
  });

  it("reads a text file that only begins like a PDF (no trailer) as the text it is labelled", async () => {
    const note = "%PDF-1.7 is what the print shop takes.\nExport with fonts embedded.";
    const bytes = new TextEncoder().encode(note);
    expect(await extractText({ bytes, mimeType: "text/plain", name: "print.txt" }, generous)).toEqual({
      text: note,
    });
  });

  it("reads Google-native types as their exports", async () => {
    const doc = await extract("handbook.docx", "application/vnd.google-apps.document");
    expect(doc.text).toContain("paid vacation");
    const sheet = await extract("budget.xlsx", "application/vnd.google-apps.spreadsheet");
    expect(sheet.text).toContain("Sheet: Revenue");
  });

  it("normalises line endings and decodes Windows-1252 and UTF-16 text", async () => {
    const crlf = new TextEncoder().encode("line one\r\nline two\r\n\r\n\r\n\r\nline three   \r\n");
    expect((await extractText({ bytes: crlf, mimeType: "text/plain", name: "a.txt" }, generous)).text).toBe(
      "line one\nline two\n\nline three",
    );
    const latin = Uint8Array.from([0x43, 0x61, 0x66, 0xe9, 0x20, 0x80, 0x35]); // "Café €5"
    expect((await extractText({ bytes: latin, mimeType: "text/plain", name: "b.txt" }, generous)).text).toBe(
      "Café €5",
    );
    const utf16 = new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("Grüße", "utf16le")]));
    expect((await extractText({ bytes: utf16, mimeType: "text/plain", name: "c.txt" }, generous)).text).toBe(
      "Grüße",
    );
  });

  it("leaves the caller's bytes usable after reading a PDF", async () => {
    const bytes = await fixture("report.pdf");
    await extractText({ bytes, mimeType: mime.pdf, name: "report.pdf" }, generous);
    expect(bytes.byteLength).toBeGreaterThan(0);
    const again = await extractText({ bytes, mimeType: mime.pdf, name: "report.pdf" }, generous);
    expect(again.pages).toHaveLength(3);
  });
});

describe("HTML whose content is in several elements", () => {
  it("reads every <article> of a page, in order, each once, and none of the chrome between them", async () => {
    const page = new TextEncoder().encode(
      "<html><body><nav>Menu</nav><article><h2>First post</h2><p>Alpha.</p><article>A reply.</article></article>" +
        "<div>Subscribe!</div><article><h2>Second post</h2><p>Beta.</p></article><footer>(c)</footer></body></html>",
    );
    const { text } = await extractText({ bytes: page, mimeType: "text/html", name: "blog.html" }, generous);
    expect(text).toBe("First post\n\nAlpha.\n\nA reply.\n\nSecond post\n\nBeta.");
  });
});

describe("HTML without a <main> element", () => {
  it("reads the body (or Confluence's #main-content) and still drops the chrome", async () => {
    const page = (body: string) => new TextEncoder().encode(`<html><body>${body}</body></html>`);
    const plain = await extractText(
      {
        bytes: page("<nav>Menu</nav><p>Body paragraph.</p><script>noise()</script>"),
        mimeType: "text/html",
        name: "a.html",
      },
      generous,
    );
    expect(plain.text).toBe("Body paragraph.");
    const confluence = await extractText(
      {
        bytes: page(
          '<div id="sidebar">Space tools</div><div id="main-content"><h2>Release notes</h2><p>Version 2 ships.</p></div>',
        ),
        mimeType: "text/html",
        name: "b.html",
      },
      generous,
    );
    expect(confluence.text).toBe("Release notes\n\nVersion 2 ships.");
  });
});
