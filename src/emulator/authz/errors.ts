import { ClearanceError } from "../../errors.js";

/** What was wrong with a Permissions API request; each one answers 400. */
export type PermissionInputCode =
  | "INVALID_ROLE"
  | "INVALID_USER"
  | "INVALID_OBJECT"
  | "UNKNOWN_TYPE"
  | "UNKNOWN_RELATION";

/** A Permissions API request the emulator cannot answer as asked (a bad role, user, object or type). */
export class PermissionInputError extends ClearanceError {
  declare readonly code: PermissionInputCode;

  constructor(code: PermissionInputCode, message: string) {
    super(code, message);
  }
}
