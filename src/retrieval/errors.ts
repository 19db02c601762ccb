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

/**
 * The vector store answered a search for one tenant with another tenant's chunk: its search does
 * not filter by tenant (a custom `ChunkStore` breaking the port's contract). The query fails rather
 * than decide on a chunk from outside the tenant.
 */
export class StoreCrossedTenantError extends ClearanceError {
  constructor(
    readonly tenant: string,
    readonly chunkTenant: string,
    readonly chunkId: string,
  ) {
    super(
      "STORE_CROSSED_TENANT",
      `a search for tenant ${tenant} returned chunk ${chunkId} of tenant ${chunkTenant}: the vector store's search must keep to SearchOptions.tenant; fix the store (the built-in LanceDB and Qdrant stores do)`,
    );
  }
}
