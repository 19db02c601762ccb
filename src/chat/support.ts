import { tokenize } from "../embeddings/index.js";
import { type AnswerKind, carriesKind, expectedKind } from "./answer-kind.js";
import type { AnswerSource } from "./answerer.js";
import { isTitle, passagesOf } from "./sentences.js";

/** A sentence of an allowed source, and how it relates to the question. Shares are 0..1 of the question's weight. */
export interface AssessedSentence {
  /** The sentence as quoted (with the item after it when it ends in ":"). */
  sentence: string;
  source: AnswerSource;
  /**
   * How well the sentence supports the question: its terms (rarer ones weigh more) stated in the
   * sentence count fully; found only in its heading or its document's name, or only inside the
   * title of another document it points to ("see the Parental leave policy"), they count for less.
   * 0 when the question asks for a figure, a time or a person and the sentence has none, or when
   * neither its document's name nor its heading shares a term with the question; halved for a
   * forecast ("we expect…") when the question asks what happened ("what was…?").
   */
  support: number;
  /** Share of the question found in the document's name or the sentence's heading. */
  topical: number;
  /** Share found in the document's name. */
  named: number;
  /** Share stated in the sentence itself. */
  stated: number;
  /** Share found in the heading the sentence sits under. */
  underHeading: number;
  /** It opens a numbered list item (a step). */
  step: boolean;
  /** Position among all sentences of all sources, in source order. */
  order: number;
}

export interface Assessment {
  /** What the question's wording asks for, if it says. */
  kind: AnswerKind | undefined;
  /** "How do we…?": the answer is a procedure, usually numbered steps. */
  procedural: boolean;
  sentences: AssessedSentence[];
}

/** A heading or the document's name vouches for the sentences under it, but less than they do themselves. */
const IN_CONTEXT = 0.7;
/** "See the Parental leave policy" names the topic without saying anything about it. */
const IN_POINTER = 0.25;

// Words of the question's frame, not of its subject: absent from a good answer as often as present
// ("what did we agree with Globex?" is answered by "Signed on January 27: a two-year renewal…").
const FRAME_WORDS = new Set(
  tokenize(
    "much many long often give gives get gets got make makes made take takes need needs use used know tell say said " +
      "thing things way happen happened want mean go going kind sort someone anyone current currently ever like please " +
      "agree agreed promise promised decide decided commit committed offer offered",
  ),
);

// A document named by its title: "the Parental leave policy", "the Deploy to production runbook".
const POINTER =
  /\b\p{Lu}[\p{L}\d&'’-]*(?:\s+[\p{L}\d&'’-]+){0,4}\s+(?:policy|policies|runbook|guide|handbook|document|calendar|summary|playbook|checklist|report|notes|folder|deck|sheet|plan|ladder|philosophy|page|site|wiki)\b/gu;

const PROCEDURAL = /^\s*how (?:do|does|did|can|should|would|to)\b/i;
// "What was Q3 revenue?" asks what happened; "we expect revenue of about $900,000" only predicted it.
const ASKS_WHAT_HAPPENED = /\b(?:was|were|did)\b/i;
const PREDICTS =
  /\b(?:expects?|expected to|forecasts?|projected|projects|outlook|will be|plans? to|targets?|estimated?)\b/i;
/** A forecast stated where the question asks for what happened supports it this much less. */
const FORECAST_DISCOUNT = 0.5;

interface Candidate {
  quote: string;
  headingText: string;
  source: AnswerSource;
  stated: string[];
  pointed: string[];
  heading: string[];
  name: string[];
  step: boolean;
}

/**
 * Every quotable sentence of the sources, in source order, weighed against the question. No
 * network, no model: the question's terms found in and around each sentence, weighted by rarity
 * among these sources, and the kind of answer the question's wording asks for.
 *
 * @example const { sentences } = assessSentences("What was Q3 revenue?", sources);
 */
export function assessSentences(question: string, sources: readonly AnswerSource[]): Assessment {
  const kind = expectedKind(question);
  const procedural = PROCEDURAL.test(question);
  const pastTense = ASKS_WHAT_HAPPENED.test(question);
  const wanted = [...new Set(termsOf(question))].filter((t) => !FRAME_WORDS.has(t));
  if (wanted.length === 0) return { kind, procedural, sentences: [] };
  const candidates = candidatesOf(sources);
  // Rarer among what the asker may read weighs more; a term found nowhere weighs most.
  const weight = new Map(
    wanted.map((term) => {
      const df = candidates.filter((c) => has(c.stated, term)).length;
      return [term, 1 / Math.log2(2 + df)];
    }),
  );
  const total = [...weight.values()].reduce((a, b) => a + b, 0);

  const sentences = candidates.map((c, order) => {
    let covered = 0;
    let stated = 0;
    let topical = 0;
    let underHeading = 0;
    let named = 0;
    for (const term of wanted) {
      const w = weight.get(term)!;
      const inHeading = has(c.heading, term);
      const inName = has(c.name, term);
      const inContext = inHeading || inName;
      // A year in a name ("Budget 2026") dates the document; it does not say what it is about.
      const says = !/^\d+$/.test(term);
      if (inHeading && says) underHeading += w;
      if (inName && says) named += w;
      if (inContext && says) topical += w;
      if (has(c.stated, term)) {
        stated += w;
        covered += w;
      } else if (inContext) covered += IN_CONTEXT * w;
      else if (has(c.pointed, term)) covered += IN_POINTER * w;
    }
    // A cause is often stated under a "Root cause" heading rather than with "because" in the sentence.
    const kindText = kind === "cause" ? `${c.quote} ${c.headingText}` : c.quote;
    const kindMissing = kind !== undefined && !carriesKind(kindText, kind);
    // A sentence whose document and section are about something else mentions the subject in passing.
    const offTopic = topical === 0;
    const forecast = pastTense && PREDICTS.test(c.quote) ? FORECAST_DISCOUNT : 1;
    return {
      sentence: c.quote,
      source: c.source,
      support: kindMissing || offTopic ? 0 : (forecast * covered) / total,
      topical: topical / total,
      named: named / total,
      stated: stated / total,
      underHeading: underHeading / total,
      step: c.step,
      order,
    };
  });
  return { kind, procedural, sentences };
}

function candidatesOf(sources: readonly AnswerSource[]): Candidate[] {
  const out: Candidate[] = [];
  for (const source of sources) {
    const stem = source.name.replace(/\.[a-z0-9]{1,5}$/i, "");
    const name = termsOf(stem);
    const ownName = flat(stem);
    const passages = passagesOf(source.text);
    // The first chunk opens with the document's own title: part of its name, not a section heading.
    const first = passages[0]?.sentence;
    const title = source.chunkIndex === 0 && first !== undefined && isTitle(first) ? first : undefined;
    passages.forEach(({ sentence, heading, step }, i) => {
      if (isTitle(sentence) || isByline(sentence) || namesOnly(sentence, ownName)) return;
      const next = passages[i + 1]?.sentence;
      const quote = sentence.endsWith(":") && next ? `${sentence} ${next}` : sentence;
      const pointers = quote.match(POINTER) ?? [];
      out.push({
        quote,
        headingText: heading ?? "",
        source,
        stated: termsOf(pointers.reduce((text, p) => text.replace(p, " "), quote)),
        pointed: termsOf(pointers.join(" ")),
        heading: heading && heading !== title ? termsOf(heading) : [],
        name: title ? [...name, ...termsOf(title)] : name,
        step,
      });
    });
  }
  return out;
}

/**
 * "Northwind Labs | Hana Kim | 2025-12-15", "Q3 report - page 1 of 2", a ticket comment's
 * "Name <email> (timestamp):": who wrote something and when, or where a page ends, not what it says.
 */
function isByline(sentence: string): boolean {
  return (
    /^[^.!?|]{1,40}(?:\|[^.!?|]{1,40}){1,3}\|\s*\d{4}-\d{2}-\d{2}$/.test(sentence) ||
    // A ticket comment's header, "Omar Haddad <omar@northwind.test> (2025-11-12T17:00:00Z):"
    /^[^<>]{0,80}<[^<>\s]+@[^<>\s]+>\s*\(\d{4}-\d{2}-\d{2}T[^)]*\):?$/.test(sentence) ||
    /\bpage \d+ of \d+$/i.test(sentence)
  );
}

/**
 * A line that only names its own document, with or without a label: a CRM or ticket record's
 * "Ticket: CS0001050: Pinecrest Outfitters asks for the September 14 root cause" and "Title: …"
 * are its name, which says what the record is about, not what it says.
 */
function namesOnly(sentence: string, ownName: string): boolean {
  const said = flat(sentence).replace(/[.:]$/, "");
  return said === ownName || said.replace(/^[\p{L} ]{1,24}: /u, "") === ownName;
}

/** Lower case, whitespace runs as one space: how a line and a name are compared. */
function flat(text: string): string {
  return text.toLowerCase().replace(/\s+/g, " ").trim();
}

/**
 * The text's terms (`tokenize`), plus each hyphenated compound as one word: "on-call stipend" is
 * about "oncall", which a "one-time stipend" is not, though both say "stipend".
 */
function termsOf(text: string): string[] {
  const compounds = [...text.matchAll(/\b(\p{L}+)-(\p{L}+)\b/gu)].map((m) => `${m[1]}${m[2]}`);
  return [...tokenize(text), ...tokenize(compounds.join(" "))];
}

function has(terms: readonly string[], term: string): boolean {
  return terms.some((t) => sameTerm(t, term));
}

/** Stems that agree, or one a prefix of the other past 4 letters ("promot" and "promotion"). */
function sameTerm(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.length < 5 || b.length < 5) return false;
  return a.startsWith(b) || b.startsWith(a);
}
