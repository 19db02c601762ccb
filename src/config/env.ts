/**
 * Environment variables and the config path each one sets. The names follow what Paragon's own
 * examples use where one exists, so a project that already talks to Paragon needs no new secrets.
 */
export const envSettings = [
  ["CLEARANCE_TENANT", "tenant"],
  ["CLEARANCE_TENANTS", "tenants"],
  ["CLEARANCE_DISCOVER_TENANTS", "tenancy.discover"],
  ["CLEARANCE_MAX_ACTIVE_TENANTS", "tenancy.maxActive"],
  ["CLEARANCE_TENANT_CONCURRENCY", "tenancy.ingestConcurrency"],
  ["PARAGON_SYNC_URL", "managedSync.baseUrl"],
  ["PARAGON_PROJECT_ID", "managedSync.projectId"],
  ["PARAGON_USER_TOKEN", "managedSync.token"],
  ["PARAGON_SIGNING_KEY", "managedSync.signingKey"],
  ["PARAGON_AUDIENCE_HOST", "managedSync.audienceHost"],
  ["PARAGON_TIMEOUT_MS", "managedSync.timeoutMs"],
  ["CLEARANCE_STORE", "store.kind"],
  ["CLEARANCE_STORE_DIR", "store.dir"],
  ["QDRANT_URL", "store.url"],
  ["QDRANT_API_KEY", "store.apiKey"],
  ["QDRANT_COLLECTION", "store.collection"],
  ["OPENAI_API_KEY", "embeddings.openaiApiKey"],
  ["CLEARANCE_EMBEDDING_MODEL", "embeddings.model"],
  ["CLEARANCE_SYNCS", "ingest.syncs"],
  ["CLEARANCE_CHUNK_SIZE", "ingest.chunkSize"],
  ["CLEARANCE_CHUNK_OVERLAP", "ingest.chunkOverlap"],
  ["CLEARANCE_MAX_FILE_BYTES", "ingest.maxFileBytes"],
  ["CLEARANCE_MAX_CHARS", "ingest.maxChars"],
  ["CLEARANCE_EXTRACT_TIMEOUT_MS", "ingest.extractTimeoutMs"],
  ["CLEARANCE_EXTRACT_MEMORY_MB", "ingest.extractMemoryMb"],
  ["CLEARANCE_DOWNLOAD_TIMEOUT_MS", "ingest.downloadTimeoutMs"],
  ["CLEARANCE_MAX_UNCOMPRESSED_BYTES", "ingest.maxUncompressedBytes"],
  ["CLEARANCE_K", "retrieval.k"],
  ["CLEARANCE_STRATEGY", "retrieval.strategy"],
  ["CLEARANCE_CACHE_TTL_MS", "retrieval.cacheTtlMs"],
  ["CLEARANCE_ALLOW_SET_TTL_MS", "retrieval.allowSetTtlMs"],
  ["CLEARANCE_REVERIFY_SHORT_AFTER_MS", "retrieval.reverifyShortAfterMs"],
  ["CLEARANCE_FRESHNESS_MS", "retrieval.freshnessMs"],
  ["CLEARANCE_FOLLOW_PERMISSION_CHANGES", "retrieval.follow"],
  ["CLEARANCE_FOLLOW_INTERVAL_MS", "retrieval.followIntervalMs"],
  ["CLEARANCE_ON_PERMISSION_ERROR", "retrieval.onPermissionError"],
  // Removed; kept so a deployment that still sets it is told what replaced it.
  ["CLEARANCE_TENANT_WIDE_SYNCS", "retrieval.tenantWideSyncs"],
  ["CLEARANCE_MEMBER_DOMAINS", "records.members.domains"],
  ["CLEARANCE_HOST", "server.host"],
  ["CLEARANCE_PORT", "server.port"],
  ["CLEARANCE_WEBHOOK_SECRET", "server.webhookSecret"],
  ["CLEARANCE_WEBHOOK_INSECURE_NO_SECRET", "server.webhookInsecureNoSecret"],
  ["CLEARANCE_JWKS_URL", "auth.jwksUrl"],
  ["CLEARANCE_JWT_ISSUER", "auth.issuer"],
  ["CLEARANCE_JWT_AUDIENCE", "auth.audience"],
  ["CLEARANCE_JWT_CLAIM", "auth.claim"],
  ["CLEARANCE_JWT_TENANT_CLAIM", "auth.tenantClaim"],
  ["CLEARANCE_JWT_INSECURE_ANY_ISSUER_AND_AUDIENCE", "auth.insecureAcceptAnyIssuerAndAudience"],
  ["CLEARANCE_CHAT_MODEL", "chat.model"],
  ["CLEARANCE_MCP_USER", "mcp.user"],
  ["CLEARANCE_MCP_RESOURCE", "mcp.resource"],
  ["CLEARANCE_MCP_AUTHORIZATION_SERVERS", "mcp.authorizationServers"],
  ["CLEARANCE_MCP_ALLOWED_ORIGINS", "mcp.allowedOrigins"],
] as const;

export type EnvName = (typeof envSettings)[number][0];

/** The environment variable that sets a config path, for error messages ("set PARAGON_PROJECT_ID"). */
export function envNameFor(path: string): EnvName | undefined {
  return envSettings.find(([, configPath]) => configPath === path)?.[0];
}
