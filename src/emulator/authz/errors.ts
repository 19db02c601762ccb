import { ClearanceError } from "../../errors.js";

/** What was wrong with a Permissions API request; each one answers 400. */
export type PermissionInputCode =
  | "INVALID_ROLE"
  | "INVALID_USER"
  | "INVALID_OBJECT"
  | "UNKNOWN_TYPE"
  | "UNKNOWN_RELATION"
  /** Permission Changes feed: a continuation token that is malformed, another sync's, or past retention. */
  | "PERMISSION_CHANGES_CURSOR_INVALID"
  /** Permission Changes feed: a continuation token issued for another `type` filter. */
  | "PERMISSION_CHANGES_CURSOR_TYPE_MISMATCH"
  | "BAD_REQUEST";

/** A Permissions API request the emulator cannot answer as asked (a bad role, user, object or type). */
export class PermissionInputError extends ClearanceError {
  declare readonly code: PermissionInputCode;

  constructor(code: PermissionInputCode, message: string) {
    super(code, message);
  }
}
