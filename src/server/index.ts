// Public surface of the server `clearance serve` runs: the app, its demo wiring and identity helpers.
export { createServerApp, type ServerAppOptions } from "./app.js";
export { CHAT_PROTOCOL_PATHS, type ChatProtocolRoutes, mountChatProtocols } from "./chat-routes.js";
export { type ConfiguredWebhooksOptions, startConfiguredWebhooks } from "./configured-webhooks.js";
export { type FollowerHealth, followerHealth } from "./follower-health.js";
export {
  type ConfiguredRetrieval,
  type ConfiguredTenants,
  openConfiguredRetrieval,
  openConfiguredTenants,
} from "./from-config.js";
export { type Listening, listen } from "./listen.js";
export { MCP_PATH, type McpRoutes, mountMcp } from "./mcp-routes.js";
export { countResponses } from "./response-counter.js";
