// The form chunkId() gives and Qdrant answers ids in: a UUID, lowercase and hyphenated. Qdrant
// refuses any other string as a point id (400 "… is not a valid point ID, valid values are either
// an unsigned integer or a UUID") and answers other UUID spellings in this form, so only an id of
// this form can name a chunk point and be read back as itself.
const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Whether a chunk id can be a Qdrant point id as it is. */
export function isPointId(id: string): boolean {
  return CANONICAL_UUID.test(id);
}
