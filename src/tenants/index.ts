// Public surface of multi-tenancy: who is asking ({ tenant, user }), and each tenant's retriever.
export {
  IdentityConfigError,
  IdentityError,
  IdentityUnavailableError,
  NoTenantError,
  TenantConfigError,
  UnknownTenantError,
} from "./errors.js";
export {
  DEV_TENANT_HEADER,
  DEV_USER_HEADER,
  type DevHeaderIdentityOptions,
  devHeaderIdentity,
} from "./header-identity.js";
export { type Identify, type Identity, normalizeIdentity } from "./identity.js";
export {
  type IngestTenantsOptions,
  ingestTenants,
  type TenantIngestEvent,
  type TenantsIngestReport,
} from "./ingest-tenants.js";
export { ASYMMETRIC_ALGORITHMS, type JwtIdentityOptions, jwtIdentity } from "./jwt-identity.js";
export { TenantClients, type TenantClientsOptions, type TenantCredentials } from "./tenant-clients.js";
export {
  TENANTS_STATE_SCOPE,
  TenantRegistry,
  type TenantRegistryOptions,
  type TenantState,
} from "./tenant-registry.js";
export {
  type RetrieverSource,
  singleTenant,
  TenantRetrievers,
  type TenantRetrieversOptions,
} from "./tenant-retrievers.js";
