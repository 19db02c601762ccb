/**
 * Fills the `{{ … }}` slots of a corpus template: `{{ q3.customers }}` inserts a value, `{{ usd q3.revenue }}`
 * formats one. Figures are computed once (see finance.ts) and quoted by every document that needs them, so two
 * files never disagree about a number. An unknown name or formatter is an error naming the template.
 */

type TemplateValue = string | number;
export interface TemplateContext {
  [name: string]: TemplateValue | TemplateContext | undefined;
}

const usd = (n: number): string => "$" + Math.round(n).toLocaleString("en-US");
const pct = (n: number, digits = 1): string => `${(n * 100).toFixed(digits)}%`;

/** Formatters a slot may name before its value; the optional number after the value is their argument. */
const FORMATTERS: Record<string, (n: number, arg?: number) => string> = {
  /** $1,234 */
  usd,
  /** 0.123 → 12.3% (`pct x 0` → 12%) */
  pct: (n, digits) => pct(n, digits),
  /** 0.077 → "up 7.7%", -0.02 → "down 2.0%" */
  change: (n) => `${n >= 0 ? "up" : "down"} ${pct(Math.abs(n))}`,
  /** 3508800 → 3.51 (`millions x 2`) */
  millions: (n, digits = 1) => (n / 1e6).toFixed(digits),
  /** 93350 → 93 */
  thousands: (n) => String(Math.round(n / 1000)),
};

/** Replaces every `{{ … }}` in `template`; `where` names the template in errors. */
export function fillTemplate(template: string, context: TemplateContext, where: string): string {
  return template.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (_, slot: string) => {
    const words = slot.split(/\s+/);
    const format = words.length > 1 ? words[0]! : undefined;
    const name = format ? words[1]! : words[0]!;
    const value = lookup(context, name, where);
    if (!format) {
      if (typeof value === "object")
        throw new Error(`${where}: {{ ${slot} }} names a group of values, not one`);
      return String(value);
    }
    const formatter = FORMATTERS[format];
    if (!formatter) {
      throw new Error(
        `${where}: {{ ${slot} }}: no formatter "${format}" (${Object.keys(FORMATTERS).join(", ")})`,
      );
    }
    if (typeof value !== "number") throw new Error(`${where}: {{ ${slot} }}: ${name} is not a number`);
    const arg = words[2] === undefined ? undefined : Number(words[2]);
    return formatter(value, arg);
  });
}

function lookup(context: TemplateContext, name: string, where: string): TemplateValue | TemplateContext {
  let value: TemplateValue | TemplateContext | undefined = context;
  for (const part of name.split(".")) {
    value = typeof value === "object" ? value[part] : undefined;
    if (value === undefined) throw new Error(`${where}: {{ ${name} }} is not defined`);
  }
  return value as TemplateValue | TemplateContext;
}
