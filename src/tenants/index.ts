// Public surface of multi-tenancy: who is asking ({ tenant, user }), and each tenant's retriever.
export {
  IdentityConfigError,
  IdentityError,
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
export { ASYMMETRIC_ALGORITHMS, type JwtIdentityOptions, jwtIdentity } from "./jwt-identity.js";
export {
  type RetrieverSource,
  singleTenant,
  TenantRetrievers,
  type TenantRetrieversOptions,
} from "./tenant-retrievers.js";
