// The emulator's Managed Sync webhook sender and its admin routes.
export { webhookAdminRoutes } from "./admin-routes.js";
export { payloadsFor, type SharingSource, type WebhookPayload } from "./payloads.js";
export {
  type WebhookFaults,
  type WebhookFaultsInput,
  WebhookSender,
  type WebhookSenderOptions,
  type WebhookSenderStats,
  type WebhookStateSource,
  webhookFaultsSchema,
} from "./sender.js";
