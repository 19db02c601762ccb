/**
 * The base of every error Clearance throws: a stable `code` to branch on, a message that says
 * what to do next, and the underlying `cause` attached.
 *
 * @example
 * throw new ClearanceError("CONFIG_INVALID", "CLEARANCE_STORE_DIR is empty: set it to a writable folder");
 */
export class ClearanceError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}
