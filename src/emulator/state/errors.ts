import { ClearanceError } from "../../errors.js";

/** Codes a state change or lookup can fail with; the server maps each to an HTTP status. */
export type StateErrorCode =
  | "SYNC_NOT_FOUND"
  | "SYNC_DELETED"
  | "SYNC_EXISTS"
  | "RECORD_NOT_FOUND"
  | "RECORD_EXISTS"
  | "RECORD_INVALID"
  | "NOT_A_RECORD_SYNC"
  | "PATH_NOT_FOUND"
  | "PATH_EXISTS"
  | "PATH_INVALID"
  | "NOT_A_FILE"
  | "NOT_A_FOLDER"
  | "UNKNOWN_PERSON"
  | "UNKNOWN_GROUP"
  | "GROUP_CYCLE"
  | "STATE_FILE_INVALID";

/** A change or lookup the emulator state refused; `code` says which rule, the message what to do. */
export class EmulatorStateError extends ClearanceError {
  declare readonly code: StateErrorCode;

  constructor(code: StateErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
