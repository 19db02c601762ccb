import { ClearanceError } from "../errors.js";

/** A retrieval was asked for with nobody to check permissions for. */
export class NoSubjectError extends ClearanceError {
  constructor() {
    super(
      "NO_SUBJECT",
      "no subject: call retriever.forUser(email), pass { configurable: { user: email } } to invoke, or { user } to retrieveWithReport; Clearance returns nothing without knowing who asks",
    );
  }
}

/** The retriever was configured with values it cannot use. */
export class RetrievalConfigError extends ClearanceError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("RETRIEVAL_CONFIG_INVALID", message, options);
  }
}

/** A call named a tenant other than the one this retriever serves. */
export class TenantMismatchError extends ClearanceError {
  constructor(
    readonly served: string,
    readonly named: string,
  ) {
    super(
      "TENANT_MISMATCH",
      `this retriever serves tenant ${served} but the call names tenant ${named}: use that tenant's retriever (TenantRetrievers.forTenant)`,
    );
  }
}
