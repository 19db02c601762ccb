import { ClearanceError } from "../errors.js";

/** Embedding failed for good (after retries, or at once for an error retrying cannot fix). */
export class EmbeddingError extends ClearanceError {}
