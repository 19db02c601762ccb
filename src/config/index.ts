export { ConfigError } from "./config-error.js";
export { envNameFor, envSettings } from "./env.js";
export { type LoadConfigOptions, loadConfig } from "./load.js";
export { type McpConfig, mcpSchema } from "./mcp-schema.js";
export { misspeltVariables } from "./misspelt-variables.js";
export {
  ownersForTenant,
  type RecordsConfig,
  recordsForTenant,
  recordsSchema,
  sharedOwnersWarning,
  unservedTenantsWarning,
} from "./records-schema.js";
export { type ClearanceConfig, type ClearanceConfigInput, configSchema } from "./schema.js";
