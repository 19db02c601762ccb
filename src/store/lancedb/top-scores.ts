/** An item with its score, as {@link TopScores} keeps them. */
export interface Scored<T> {
  item: T;
  score: number;
  /** Orders equal scores (ascending), so the same items always come out in the same order. */
  tie: string;
}

/**
 * The `n` best-scored items of a stream, in a min-heap of size `n`: offering each of 10k scores
 * costs a comparison, not a sort of all of them.
 *
 * @example const top = new TopScores<string>(2); top.offer(0.5, "a", "a"); top.best(); // [{ item: "a", … }]
 */
export class TopScores<T> {
  // heap[0] is the worst kept.
  private readonly heap: Scored<T>[] = [];

  constructor(private readonly n: number) {}

  offer(score: number, item: T, tie: string): void {
    if (this.n <= 0) return;
    if (this.heap.length < this.n) {
      this.heap.push({ item, score, tie });
      this.up(this.heap.length - 1);
      return;
    }
    // Most offers lose to the worst kept: decided before anything is allocated.
    const worst = this.heap[0] as Scored<T>;
    if (score < worst.score || (score === worst.score && tie >= worst.tie)) return;
    this.heap[0] = { item, score, tie };
    this.down(0);
  }

  /** What was kept, best first. */
  best(): Scored<T>[] {
    return [...this.heap].sort((a, b) => (better(a, b) ? -1 : better(b, a) ? 1 : 0));
  }

  private up(i: number): void {
    const heap = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!better(heap[parent] as Scored<T>, heap[i] as Scored<T>)) break;
      [heap[parent], heap[i]] = [heap[i] as Scored<T>, heap[parent] as Scored<T>];
      i = parent;
    }
  }

  private down(i: number): void {
    const heap = this.heap;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let worst = i;
      if (left < heap.length && better(heap[worst] as Scored<T>, heap[left] as Scored<T>)) worst = left;
      if (right < heap.length && better(heap[worst] as Scored<T>, heap[right] as Scored<T>)) worst = right;
      if (worst === i) return;
      [heap[worst], heap[i]] = [heap[i] as Scored<T>, heap[worst] as Scored<T>];
      i = worst;
    }
  }
}

function better<T>(a: Scored<T>, b: Scored<T>): boolean {
  return a.score > b.score || (a.score === b.score && a.tie < b.tie);
}
