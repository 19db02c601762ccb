/** How many of the latest measurements each median is taken over. */
const WINDOW = 16;

/** Checks measured before the medians are trusted: the first ones of a process include its warm-up. */
const MIN_CHECKS = 3;

/**
 * How long this retriever's Permissions API checks take, and its searches of a stranger's larger
 * page (k × 15), as measured on its own queries: whether a stranger's first query should search
 * the larger page first and check it in one round trip, or the best k × 3 first.
 *
 * A person who sees about a tenth of the candidates needs the larger page either way. Searched
 * first, it saves them a whole round trip (a check, then the larger search, then another check),
 * and costs a person who sees everything the difference between the two searches and a larger
 * check. Once a check takes longer than the larger search itself, as against a Permissions API in
 * another region, the round trip saved is worth more than the search added: with every call 20 ms
 * late (scratch A/B on the bench world, 100k chunks) a 10 % reader's first query went from 77 to
 * 45 ms and an everything reader's from 34 to 46 ms. On loopback (checks 3–6 ms, the larger
 * search 11–14 ms) the best k × 3 stay first, as before.
 */
export class RoundTrips {
  private readonly checks: number[] = [];
  private readonly largePages: { ms: number; limit: number }[] = [];

  /**
   * `deployment`: what the retrievers of one deployment measure together (same Permissions API,
   * same store), used until this one has measured enough of its own: a tenant's retriever made
   * anew (its first query, or after the least recently used were dropped) then chooses from its
   * first stranger on, where alone its first two strangers went the slower way while it measured.
   */
  constructor(private readonly deployment?: RoundTrips) {}

  /** A batch-check answered in one request, in ms. */
  checked(ms: number): void {
    push(this.checks, ms);
    this.deployment?.checked(ms);
  }

  /** A search of the larger page (`limit` candidates) that returned, in ms. */
  searchedLargePage(ms: number, limit: number): void {
    push(this.largePages, { ms, limit });
    this.deployment?.searchedLargePage(ms, limit);
  }

  /**
   * The medians behind the choice when they say to search the larger page (of `limit`) first, else
   * undefined (too few measurements, or a check is quicker than the larger search).
   */
  largePageFirst(limit: number): { checkMs: number; searchMs: number } | undefined {
    const checks = this.checks.length >= MIN_CHECKS ? this.checks : this.deployment?.checks;
    const ownPages = this.largePages.filter((page) => page.limit === limit);
    const pages =
      ownPages.length > 0
        ? ownPages
        : (this.deployment?.largePages.filter((page) => page.limit === limit) ?? []);
    if (!checks || checks.length < MIN_CHECKS || pages.length === 0) return undefined;
    const checkMs = median(checks);
    const searchMs = median(pages.map((page) => page.ms));
    return checkMs > searchMs ? { checkMs, searchMs } : undefined;
  }
}

function push<T>(window: T[], value: T): void {
  window.push(value);
  if (window.length > WINDOW) window.shift();
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
