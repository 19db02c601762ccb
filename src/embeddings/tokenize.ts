// Function words carry no topic; dropping them keeps the hashed vector about what the text is about.
const STOPWORDS = new Set(
  (
    "a about above after again all also am an and any are as at be because been before being below between both but by " +
    "can could did do does doing down during each few for from further had has have having he her here hers him his how " +
    "i if in into is it its itself just me more most my no nor not now of off on once only or other our ours out over own " +
    "same she should so some such than that the their theirs them then there these they this those through to too under " +
    "until up very was we were what when where which while who whom why will with would you your yours"
  ).split(" "),
);

/**
 * A light suffix stemmer: folds plurals and common verb/adverb endings so "policies" meets "policy"
 * and "vacationing" meets "vacation". Query and documents go through the same rules, so being
 * consistent matters more than being linguistically right.
 */
export function stem(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  const base = stripSuffix(word);
  // A final "e" goes last, so "employee" and "employees" both end up as "employe".
  return base.length > 3 && base.endsWith("e") ? base.slice(0, -1) : base;
}

function stripSuffix(word: string): string {
  if (word.endsWith("ies") && word.length > 4) return `${word.slice(0, -3)}y`;
  if (word.endsWith("sses")) return word.slice(0, -2);
  if (word.endsWith("ing") && word.length > 5) return undouble(word.slice(0, -3));
  if (word.endsWith("edly") && word.length > 6) return undouble(word.slice(0, -4));
  if (word.endsWith("ed") && word.length > 4) return undouble(word.slice(0, -2));
  if (word.endsWith("ly") && word.length > 5) return word.slice(0, -2);
  if (/(?:ch|sh|x|z|ss)es$/.test(word)) return word.slice(0, -2);
  if (word.endsWith("s") && !/(?:ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}

function undouble(word: string): string {
  const n = word.length;
  return n > 3 && word[n - 1] === word[n - 2] && !/[lsz]/.test(word[n - 1]!) ? word.slice(0, -1) : word;
}

/** Lower-cased, accent-folded word tokens with stopwords removed and suffixes stemmed. */
export function tokenize(text: string): string[] {
  const folded = text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase();
  const words = folded.match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.filter((w) => !STOPWORDS.has(w)).map(stem);
}
