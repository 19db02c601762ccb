import { notModelled, wrongInput } from "./errors.js";

export type Distance = "Cosine" | "Dot" | "Euclid";

/** Checks a vector against the collection's size, with Qdrant's message for a mismatch. */
export function requireVector(raw: unknown, size: number): number[] {
  if (!Array.isArray(raw) || !raw.every((x) => typeof x === "number")) {
    throw notModelled("a vector other than one unnamed dense vector (named, sparse or multi vectors)");
  }
  if (raw.length !== size) {
    throw wrongInput(`Vector dimension error: expected dim: ${size}, got ${raw.length}`);
  }
  return raw;
}

/**
 * The vector as Qdrant keeps it: float32, and for Cosine normalized at upsert (Qdrant stores the
 * unit vector, so with_vector returns that and a search's score is a plain dot product).
 */
export function storedVector(vector: number[], distance: Distance): number[] {
  return (distance === "Cosine" ? normalized(vector) : vector).map(Math.fround);
}

/** The score of a stored vector for a query: similarity for Cosine/Dot, distance for Euclid. */
export function score(query: number[], stored: number[], distance: Distance): number {
  if (distance === "Euclid") return Math.hypot(...query.map((x, i) => x - stored[i]!));
  const q = distance === "Cosine" ? normalized(query) : query;
  let sum = 0;
  for (let i = 0; i < q.length; i++) sum += q[i]! * stored[i]!;
  return Math.fround(sum);
}

/** Best first: highest similarity, or smallest Euclid distance. */
export function better(distance: Distance): (a: number, b: number) => number {
  return distance === "Euclid" ? (a, b) => a - b : (a, b) => b - a;
}

function normalized(vector: number[]): number[] {
  const norm = Math.hypot(...vector);
  // Qdrant leaves a zero vector as it is rather than dividing by zero.
  return norm < Number.EPSILON ? vector : vector.map((x) => x / norm);
}
