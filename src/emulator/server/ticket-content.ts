import type { SyncRecord, TicketPerson } from "../state/index.js";
import { zipArchive } from "./zip-archive.js";

/** The name of the archive's Markdown file: Paragon does not document it, so this is a guess. */
export const TICKET_MARKDOWN_NAME = "ticket.md";

/**
 * A ticket's content as Download Content returns it, as Paragon documents it: a ZIP archive with
 * a Markdown file of the ticket's properties, description and comments, and its attached files
 * under `attachments/`. The Markdown file's name and layout are the emulator's guesses.
 */
export function ticketArchive(record: SyncRecord): Uint8Array {
  const encoder = new TextEncoder();
  return zipArchive([
    { name: TICKET_MARKDOWN_NAME, bytes: encoder.encode(ticketMarkdown(record)) },
    ...(record.attachments ?? []).map((attachment) => ({
      name: `attachments/${attachment.name}`,
      bytes:
        attachment.encoding === "base64"
          ? new Uint8Array(Buffer.from(attachment.content, "base64"))
          : encoder.encode(attachment.content),
    })),
  ]);
}

/**
 * The Markdown file of a ticket's content: the title, the description and the comments (the
 * layout is the emulator's).
 */
export function ticketMarkdown(record: SyncRecord): string {
  const title = typeof record.fields.title === "string" ? record.fields.title : record.externalId;
  const description = typeof record.fields.description === "string" ? record.fields.description.trim() : "";
  const lines = [`# ${title}`, ""];
  if (description) lines.push(description, "");
  const comments = record.comments ?? [];
  if (comments.length > 0) {
    lines.push("## Comments", "");
    for (const comment of comments) {
      lines.push(`**${personName(comment.author)}** (${comment.createdAt}):`, "", comment.body.trim(), "");
    }
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

function personName(person: TicketPerson): string {
  if (person.name && person.email) return `${person.name} <${person.email}>`;
  return person.name ?? person.email ?? person.id ?? "unknown";
}
