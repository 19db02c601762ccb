import { format, getFormatDateInfo, getFormatFromId, isDateFormat } from "numfmt";
import { walkXml } from "./xml-events.js";

/**
 * The number format code of each cell style (`<cellXfs>` entry) in styles.xml, by style index:
 * custom codes from `<numFmts>`, built-in ids (0–49) from numfmt's table. A cell's `s` attribute
 * indexes this list; a missing style is General.
 */
export function readCellFormats(stylesXml: string | undefined): string[] {
  if (!stylesXml) return [];
  const custom = new Map<string, string>();
  const formats: string[] = [];
  let inCellXfs = false;
  walkXml(stylesXml, {
    open(name, attributes) {
      if (name === "numFmt" && attributes.numFmtId && attributes.formatCode !== undefined) {
        custom.set(attributes.numFmtId, attributes.formatCode);
      } else if (name === "cellXfs") inCellXfs = true;
      else if (name === "xf" && inCellXfs) {
        const id = attributes.numFmtId ?? "0";
        formats.push(custom.get(id) ?? builtInFormat(Number(id)));
      }
    },
    close(name) {
      if (name === "cellXfs") inCellXfs = false;
    },
  });
  return formats;
}

function builtInFormat(id: number): string {
  try {
    return getFormatFromId(id) || "General";
  } catch {
    return "General";
  }
}

// The 1904 date system (old Mac workbooks) counts from 1904-01-01: 1462 days after the 1900 system's day 0.
const DAYS_1900_TO_1904 = 1462;

/**
 * A numeric cell as Excel shows it under `formatCode`, with two deliberate differences: dates and
 * times are written ISO-style (`2004-03-05`, `2004-03-05 18:00`, `14:30`) because Excel's built-in
 * date formats follow the reader's locale and `3/5/04` is ambiguous; and General keeps up to 15
 * significant digits (Excel's precision: no `0.68314529999999996`, but no digits hidden by a
 * narrow column either).
 *
 * @example formatCellNumber(38051, "m/d/yyyy", false) // "2004-03-05"
 * @example formatCellNumber(0.125, "0.00%", false) // "12.50%"
 */
export function formatCellNumber(value: number, formatCode: string, date1904: boolean): string {
  if (/^(general|@)?$/i.test(formatCode.trim())) return general(value);
  try {
    if (isDateFormat(formatCode)) {
      const serial = date1904 ? value + DAYS_1900_TO_1904 : value;
      return format(isoPattern(formatCode), serial, { dateErrorThrows: true });
    }
    return format(formatCode, value, { throws: true });
  } catch {
    return general(value);
  }
}

function general(value: number): string {
  return String(Number(value.toPrecision(15)));
}

/** The ISO pattern holding the parts `formatCode` shows; elapsed-time codes (`[h]:mm`) stay as written. */
function isoPattern(formatCode: string): string {
  if (/\[(h+|m+|s+)\]/i.test(formatCode)) return formatCode;
  const parts = getFormatDateInfo(formatCode);
  const hasTime = parts.hours || parts.minutes || parts.seconds;
  const hasDate = parts.year || parts.month || parts.day || !hasTime;
  const time = parts.seconds ? "hh:mm:ss" : "hh:mm";
  return [hasDate ? "yyyy-mm-dd" : "", hasTime ? time : ""].filter(Boolean).join(" ");
}
