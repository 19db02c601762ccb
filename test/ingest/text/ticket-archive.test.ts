import { describe, expect, it } from "vitest";
import { zipArchive } from "../../../src/emulator/server/zip-archive.js";
import { ExtractError, extractTicketContent } from "../../../src/ingest/text/index.js";

// A ticket's Download Content archive read through the shared extraction pool (a real worker).
const encode = (text: string) => new TextEncoder().encode(text);
const limits = { maxBytes: 1024 * 1024, maxChars: 10_000 };
const read = (bytes: Uint8Array, mimeType = "application/zip") =>
  extractTicketContent({ bytes, mimeType, name: "INC0012345" }, limits);

describe("a ticket's content archive", () => {
  it("is recognised by its first bytes whatever its type says, and a non-zip body is read as Markdown", async () => {
    const archive = zipArchive([
      { name: "INC0012345.md", bytes: encode("# Outage\n\n**Leo**: pool exhausted\n") },
    ]);
    expect((await read(archive, "application/octet-stream")).text).toBe(
      "# Outage\n\n**Leo**: pool exhausted",
    );
    expect((await read(encode("# Outage\n\nplain body\n"), "text/plain")).text).toBe(
      "# Outage\n\nplain body",
    );
  });

  it("refuses an archive without a Markdown file outside attachments/, and a body that claims zip but is not", async () => {
    const onlyAttachments = zipArchive([{ name: "attachments/notes.md", bytes: encode("# notes") }]);
    await expect(read(onlyAttachments)).rejects.toMatchObject({
      code: "MALFORMED",
      message: /no Markdown file/,
    });
    await expect(read(encode("# not a zip"))).rejects.toBeInstanceOf(ExtractError);
    await expect(read(encode("# not a zip"))).rejects.toMatchObject({ code: "MALFORMED", permanent: true });
  });

  it("adds text attachments while they fit in maxChars, and names the others with why", async () => {
    const archive = zipArchive([
      { name: "ticket.md", bytes: encode("# Outage") },
      { name: "attachments/small.csv", bytes: encode("host,error\napi-1,504\n") },
      { name: "attachments/huge.log", bytes: encode("x".repeat(20_000)) },
      { name: "attachments/report.pdf", bytes: encode("%PDF-1.7 …") },
    ]);
    const { text } = await read(archive);
    expect(text).toContain("## Attachment: small.csv\n\nhost: api-1; error: 504");
    expect(text).toContain("## Attachment: huge.log (not read: over the characters left for the ticket)");
    expect(text).toContain("## Attachment: report.pdf (not read: not a text file)");
    expect(text.length).toBeLessThanOrEqual(limits.maxChars);
  });
});
