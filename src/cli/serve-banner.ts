import type { Answerer } from "../chat/index.js";
import { CHAT_PROTOCOL_PATHS } from "../server/index.js";
import { DEV_TENANT_HEADER, DEV_USER_HEADER } from "../tenants/index.js";
import type { ServeSetup } from "./serve-setup.js";

/** What `clearance serve` prints once it listens: every endpoint, and loudly what is insecure. */
export function serveBanner(url: string, setup: ServeSetup, answerer: Answerer, mcpLines: string[]): string {
  const known = setup.tenants();
  const tenants = known.length === 1 ? `tenant ${known[0]}` : `${known.length} tenants`;
  const lines = [`Clearance serving ${tenants} on ${url}`];
  lines.push(`  chat page    ${url}/`);
  lines.push(`  chat API     POST ${url}/api/chat  {"question": "…", "stream": false}`);
  lines.push(`  OpenAI API   POST ${url}${CHAT_PROTOCOL_PATHS.openai}  (base URL ${url}/v1)`);
  lines.push(`  AI SDK       POST ${url}${CHAT_PROTOCOL_PATHS.aiSdk}  (useChat's DefaultChatTransport api)`);
  lines.push(...mcpLines);
  lines.push(`  health       ${url}/health`);
  if (setup.follower) {
    lines.push(
      `  freshness    Permission Changes feed followed every ${setup.follower.intervalMs / 1000} s per sync in use`,
    );
  }
  if (setup.webhooks) lines.push(`  webhooks     POST ${url}/webhooks/managed-sync`);
  if (setup.insecureWebhooks) {
    lines.push(
      "  webhooks     INSECURE: no secret; anyone who reaches this URL can queue work. Never expose this.",
    );
  }
  lines.push(`  answers by   ${answerer.name}`);
  if (setup.identityMode === "dev-header") {
    lines.push(
      `  identity     DEV ONLY: the ${DEV_TENANT_HEADER} and ${DEV_USER_HEADER} headers say who asks; anyone can read as anyone. Never expose this.`,
    );
  } else lines.push("  identity     Authorization: Bearer <JWT>, verified against the JWKS");
  if (setup.people.length > 0) {
    lines.push(`  people       ${setup.people.map((p) => p.email).join(", ")}`);
  }
  lines.push("Ctrl-C to stop.");
  return `${lines.join("\n")}\n`;
}
