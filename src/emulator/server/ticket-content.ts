import type { SyncRecord, TicketPerson } from "../state/index.js";

/**
 * A ticket's content as Download Content returns it: one Markdown document with the title, the
 * description and the comments (Paragon documents this for ticketing syncs; the layout is the
 * emulator's).
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
