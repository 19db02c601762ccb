/**
 * `firstName` / `lifecycle_stage` / `Region__c` → `First name` / `Lifecycle stage` / `Region`.
 * All-caps words (ARR, URL) keep their case.
 */
export function humanizeKey(key: string): string {
  const words = key
    .replace(/__c$/i, "")
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(/[\s_\-.]+/)
    .filter(Boolean)
    .map((word) => (word.length > 1 && word === word.toUpperCase() ? word : word.toLowerCase()));
  const sentence = words.join(" ");
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}

/** True for null, undefined, blank strings, and arrays/objects holding only those. */
export function isBlank(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === "string") return value.trim() === "";
  if (Array.isArray(value)) return value.every(isBlank);
  if (typeof value === "object") return Object.values(value).every(isBlank);
  return false;
}

function scalar(value: unknown): string {
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "string") return value.trim();
  return String(value);
}

/** An object inside a list, on one line: `Email: ada@example.com; Type: work`. */
function inline(value: unknown): string {
  if (Array.isArray(value))
    return value
      .filter((item) => !isBlank(item))
      .map(inline)
      .join(", ");
  if (value === null || typeof value !== "object") return scalar(value);
  return Object.entries(value)
    .filter(([, field]) => !isBlank(field))
    .map(([key, field]) => {
      const text = inline(field);
      return typeof field === "object" ? `${humanizeKey(key)}: (${text})` : `${humanizeKey(key)}: ${text}`;
    })
    .join("; ");
}

/**
 * Any JSON-like value as readable `Label: value` lines. Nested objects get their parent's label as
 * a prefix (`Custom fields > Region: EMEA`), lists of values are comma-joined, lists of objects
 * get one line per item (`Emails 2: Email: …; Type: work`), and empty fields are dropped.
 *
 * @example renderFields({ firstName: "Ada", tags: ["vip"] }) // ["First name: Ada", "Tags: vip"]
 */
export function renderFields(value: unknown, label = ""): string[] {
  if (isBlank(value)) return [];
  if (Array.isArray(value)) {
    const items = value.filter((item) => !isBlank(item));
    if (items.every((item) => item === null || typeof item !== "object")) {
      return [`${label ? `${label}: ` : ""}${items.map(scalar).join(", ")}`];
    }
    return items.map((item, i) => `${label || "Item"} ${i + 1}: ${inline(item)}`);
  }
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).flatMap(([key, field]) =>
      renderFields(field, label ? `${label} > ${humanizeKey(key)}` : humanizeKey(key)),
    );
  }
  return [label ? `${label}: ${scalar(value)}` : scalar(value)];
}
