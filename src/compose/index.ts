// Building the parts from a `ClearanceConfig`, shared by the CLI, the server and the examples.
export { clientFromConfig, onlyTenant } from "./client.js";
export { embeddingsFromConfig } from "./embeddings.js";
export {
  assertStoreExists,
  StoreEmptyError,
  StoreWarmUpError,
  storeLocation,
  tenantsWithoutChunks,
} from "./store-checks.js";
export { configuredTenants, tenantClientsFromConfig } from "./tenants.js";
