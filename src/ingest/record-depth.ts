/**
 * How deep a record's fields may nest. Real CRM and file records nest a few levels; rendering and
 * version digests recurse, so a record nested thousands deep (a custom field holding hostile JSON,
 * which JSON.parse takes) would overflow the stack and fail every run at its page.
 */
export const MAX_RECORD_DEPTH = 64;

/**
 * Whether objects and arrays nest more than `limit` levels inside `value` (`{}` is one level).
 * Walks with its own stack, so the answer never overflows the call stack it protects.
 *
 * @example nestedDeeperThan({ a: { b: [1] } }, 2) // true
 */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== "object") continue;
    if (depth + 1 > limit) return true;
    for (const child of Object.values(item)) {
      if (child !== null && typeof child === "object") stack.push([child, depth + 1]);
    }
  }
  return false;
}
