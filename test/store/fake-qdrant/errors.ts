/**
 * An error the FAKE Qdrant answers with: Qdrant's REST error body is `{ status: { error }, time }`
 * with the HTTP status telling the kind (400 bad input, 404 missing collection, 409 conflict).
 */
export class QdrantFakeError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** 400, with Qdrant's prefix for input it rejects after parsing ("Wrong input: …"). */
export function wrongInput(message: string): QdrantFakeError {
  return new QdrantFakeError(400, `Wrong input: ${message}`);
}

/** 400, with Qdrant's prefix for a body its JSON parser refuses ("Format error in JSON body: …"). */
export function formatError(message: string): QdrantFakeError {
  return new QdrantFakeError(400, `Format error in JSON body: ${message}`);
}

/**
 * 501 for a route, request field or condition the fake does not model. Qdrant would accept it; the
 * fake refuses, so an adapter change that starts relying on it fails here instead of passing
 * untested (501 is the fake's own answer: Qdrant never gives it).
 */
export function notModelled(what: string): QdrantFakeError {
  return new QdrantFakeError(501, `FAKE Qdrant does not model ${what}: extend test/store/fake-qdrant`);
}
