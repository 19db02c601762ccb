import { z } from "zod";

// Settings arrive as YAML/JSON numbers or as text (environment variables, quoted YAML).
// `z.coerce.number()` read a blank value (`port:` in YAML is null, `""`) as 0 and `true` as 1, so
// an emptied setting silently became 0 (a random port, the chunk cache off) instead of an error.

/** Text holding a number becomes that number; anything else is left for the number check to refuse. */
function numberFromText(value: unknown): unknown {
  if (typeof value !== "string" || value.trim() === "") return value;
  const parsed = Number(value.trim());
  return Number.isNaN(parsed) ? value : parsed;
}

function numberError(issue: { input?: unknown }): string | undefined {
  const { input } = issue;
  if (input === null || input === "" || (typeof input === "string" && input.trim() === ""))
    return "is empty: give a number, or leave the setting out to use its default";
  if (typeof input === "string" || typeof input === "boolean")
    return `${JSON.stringify(input)} is not a number`;
  return undefined;
}

/**
 * A whole-number setting, given as a number or as text (a blank, `null` or `true` is refused).
 *
 * @example timeoutMs: wholeNumber((n) => n.positive()).default(30_000)
 */
export function wholeNumber(constrain: (number: z.ZodNumber) => z.ZodNumber = (number) => number) {
  return z.preprocess(numberFromText, constrain(z.number({ error: numberError }).int()));
}
