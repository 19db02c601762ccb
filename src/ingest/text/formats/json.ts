import { ExtractError, messageOf } from "../errors.js";
import { renderFields } from "../render-fields.js";
import type { ExtractedText } from "../types.js";
import { decodeText } from "./decode-text.js";

/** A JSON file as `Field: value` lines (nested fields labelled by their path); arrays item by item. */
export function extractJson(bytes: Uint8Array): ExtractedText {
  let value: unknown;
  try {
    value = JSON.parse(decodeText(bytes));
  } catch (cause) {
    if (cause instanceof ExtractError) throw cause;
    throw new ExtractError("MALFORMED", `the JSON cannot be parsed (${messageOf(cause)})`, { cause });
  }
  const items = Array.isArray(value) ? value : [value];
  return { text: items.map((item) => renderFields(item).join("\n")).join("\n\n") };
}
