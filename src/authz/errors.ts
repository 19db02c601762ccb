import { ClearanceError } from "../errors.js";

/**
 * Codes follow OpenFGA's error names (openfga/v1/errors_ignore.proto) so an HTTP layer can answer
 * 400 with the same `code` an OpenFGA server would; the number is OpenFGA's numeric code.
 */
export const OPENFGA_ERROR_NUMBERS = {
  validation_error: 2000,
  authorization_model_resolution_too_complex: 2002,
  type_not_found: 2021,
  relation_not_found: 2022,
  invalid_tuple: 2027,
  invalid_authorization_model: 2016,
} as const;

export type AuthzErrorCode = keyof typeof OPENFGA_ERROR_NUMBERS | "invalid_drive_graph";

/** Base of every authorization-engine error; `code` is OpenFGA's error name where one exists. */
export class AuthzError extends ClearanceError {
  declare readonly code: AuthzErrorCode;

  /** OpenFGA's numeric error code, when the error has an OpenFGA equivalent. */
  get openfgaCode(): number | undefined {
    return this.code === "invalid_drive_graph" ? undefined : OPENFGA_ERROR_NUMBERS[this.code];
  }
}

/** A malformed identifier or request (OpenFGA 2000). */
export class AuthzValidationError extends AuthzError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("validation_error", message, options);
  }
}

/** A type the model does not define (OpenFGA 2021). */
export class TypeNotFoundError extends AuthzError {
  constructor(type: string) {
    super("type_not_found", `type '${type}' is not defined in the authorization model: use one of its types`);
  }
}

/** A relation the type does not define (OpenFGA 2022). */
export class RelationNotFoundError extends AuthzError {
  constructor(type: string, relation: string) {
    super(
      "relation_not_found",
      `relation '${type}#${relation}' is not defined in the authorization model: use a relation of type '${type}'`,
    );
  }
}

/** Resolution went deeper than the depth limit (OpenFGA 2002). */
export class ResolutionTooComplexError extends AuthzError {
  constructor(limit: number) {
    super(
      "authorization_model_resolution_too_complex",
      `authorization model resolution required more than ${limit} nested lookups: flatten the group or folder nesting, or the model`,
    );
  }
}

/** A tuple the model's type restrictions do not allow (OpenFGA 2027). */
export class InvalidTupleError extends AuthzError {
  constructor(message: string) {
    super("invalid_tuple", message);
  }
}

/** A model that does not parse, fails OpenFGA's validation, or uses an unsupported feature. */
export class InvalidModelError extends AuthzError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("invalid_authorization_model", message, options);
  }
}

/** A drive description that cannot become tuples (unknown parent, owner role for a group, …). */
export class DriveGraphError extends AuthzError {
  constructor(message: string) {
    super("invalid_drive_graph", message);
  }
}
