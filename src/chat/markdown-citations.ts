import type { Citation } from "./sources.js";

/** A link target that is safe to render: http(s) only, with the characters Markdown would misread escaped. */
export function safeLink(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return undefined;
    return parsed.href.replace(/[()<> ]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  } catch {
    return undefined;
  }
}

/**
 * Answer text with each `[n]` made a Markdown link to source n (`[[n]](url)`), for chat front ends
 * that render Markdown; a source without a safe http(s) URL keeps its plain `[n]`. Safe on pieces
 * of a streamed answer: a citation is never split across pieces (`keepKnownCitations`).
 *
 * @example linkCitations("16 weeks [1].", citations) // "16 weeks [[1]](https://drive.example/…)."
 */
export function linkCitations(text: string, citations: readonly Citation[]): string {
  return text.replace(/\[(\d+)\]/g, (match, n: string) => {
    const url = safeLink(citations[Number(n) - 1]?.url);
    return url ? `[${match}](${url})` : match;
  });
}

/**
 * A Markdown list of the sources the answer cites, in citation order ("" when it cites none):
 * `\n\nSources:\n[1] [Parental leave policy.docx](https://…)`.
 */
export function sourcesFooter(answer: string, citations: readonly Citation[]): string {
  const cited = [...new Set([...answer.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1])))].sort(
    (a, b) => a - b,
  );
  const lines = cited.flatMap((n) => {
    const citation = citations[n - 1];
    if (!citation) return [];
    const name = citation.name.replace(/([\\[\]*_`])/g, "\\$1");
    const url = safeLink(citation.url);
    const page = citation.page !== undefined ? `, page ${citation.page}` : "";
    return [`[${n}] ${url ? `[${name}](${url})` : name}${page}`];
  });
  return lines.length === 0 ? "" : `\n\nSources:\n${lines.join("\n")}`;
}
