// What kind of statement a question asks for, read from its wording. A sentence that names the
// subject but carries nothing of that kind ("the bands are confidential" for "what are the salary
// bands?") mentions the question without answering it.

/**
 * `figure`: an amount, rate or count; `time`: a date, day, month or period; `person`: a name;
 * `cause`: why something happened.
 */
export type AnswerKind = "figure" | "time" | "person" | "cause";

const FIGURE_QUESTION =
  /\b(?:how (?:much|many|long|big|large|often)|what (?:percentage|share|amount|number)|revenue|salar(?:y|ies)|pay|price|pricing|cost|costs|budget|discount|fees?|rate|arr|mrr|headcount)\b/i;
const TIME_QUESTION =
  /^\s*when\b|\b(?:what|which) (?:date|day|month|year|week|quarter)\b|\bdeadline\b|\btimeline\b/i;
const PERSON_QUESTION = /^\s*who(?:m|se)?\b/i;
const CAUSE_QUESTION =
  /^\s*why\b|^\s*(?:what|which) (?:caused|causes|led to|triggered)\b|\bwhat was the (?:root )?cause\b/i;
const HAS_CAUSE =
  /\b(?:because|caus(?:e|ed|es|ing)|due to|led to|leads to|triggered|as a result|result(?:ed|s)? (?:of|from|in)|reason)\b/i;

const MONTH =
  "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?";
const NUMBER_WORD =
  "two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundred|thousand|million|billion";
const HAS_FIGURE = new RegExp(`\\d|\\b(?:${NUMBER_WORD})\\b`, "i");
const HAS_TIME = new RegExp(
  `\\b(?:${MONTH})\\b|\\b(?:19|20)\\d\\d\\b|\\bq[1-4]\\b|\\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tomorrow|weekly|monthly|yearly|annually|quarterly)\\b|\\b\\d{1,2}:\\d\\d\\b|\\b(?:${NUMBER_WORD}|\\d+)[ -](?:days?|weeks?|months?|years?|quarters?)\\b|\\b(?:spring|summer|autumn|fall|winter|h[12])\\b`,
  "i",
);
// Two capitalised words in a row ("Ana Souza"), the usual shape of a name in running text.
const HAS_NAME = /\b\p{Lu}[\p{Ll}'’-]+ \p{Lu}[\p{Ll}'’-]+/u;

/**
 * The kind of statement `question` asks for, or undefined when its wording does not say.
 *
 * @example expectedKind("When do we plan to start Series B conversations?") // "time"
 */
export function expectedKind(question: string): AnswerKind | undefined {
  if (CAUSE_QUESTION.test(question)) return "cause";
  if (PERSON_QUESTION.test(question)) return "person";
  if (TIME_QUESTION.test(question)) return "time";
  if (FIGURE_QUESTION.test(question)) return "figure";
  return undefined;
}

/**
 * Whether `text` holds a statement of `kind`: a digit for a figure, a month or year for a time, a
 * name, causal wording ("because", "caused by", or a "Root cause" heading passed in `text`).
 */
export function carriesKind(text: string, kind: AnswerKind): boolean {
  if (kind === "cause") return HAS_CAUSE.test(text);
  if (kind === "figure") return HAS_FIGURE.test(text);
  if (kind === "time") return HAS_TIME.test(text);
  return HAS_NAME.test(text);
}
