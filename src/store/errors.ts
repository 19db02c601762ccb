import { ClearanceError } from "../errors.js";

/** A call to the store was malformed: a missing tenant, a bad id, a vector of the wrong size. */
export class StoreInputError extends ClearanceError {}

/** The store's backend failed or holds data it cannot use (e.g. built for another vector size). */
export class StoreError extends ClearanceError {}
