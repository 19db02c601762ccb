/**
 * Filter expressions for LanceDB `where` clauses. Values only ever enter as quoted literals:
 * LanceDB's SQL takes backslashes literally, so doubling single quotes is the whole escape
 * (tested with quotes, backslashes, newlines and injection attempts in test/store/sql.test.ts).
 */

/** A SQL string literal for `value`. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A SQL number literal; refuses anything that is not a finite number. */
export function sqlNumber(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  return String(value);
}

/** `column = 'value'`. */
export function sqlEquals(column: string, value: string): string {
  return `${column} = ${sqlString(value)}`;
}

/**
 * `column IN ('a', 'b', …)`; an empty set gives `FALSE`, never "no filter". A flat IN list parses
 * without recursion, so 10k ids cost tens of milliseconds, not a stack overflow.
 */
export function sqlIn(column: string, values: readonly string[]): string {
  if (values.length === 0) return "FALSE";
  return `${column} IN (${values.map(sqlString).join(", ")})`;
}

/** Joins conditions with AND, each parenthesised. */
export function sqlAnd(...conditions: string[]): string {
  return conditions.map((c) => `(${c})`).join(" AND ");
}
