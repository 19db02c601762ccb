/**
 * What each setting means, by its path in the config, for the generated reference
 * (docs/configuration.md, `npx tsx scripts/make-config-docs.ts`). A setting added to the schema
 * without a line here fails test/config/reference.test.ts.
 */
export const settingDescriptions: Record<string, string> = {
  tenant:
    "One Connected User id this deployment serves (a Paragon user token's `sub`). With `tenants`, the union of both.",
  tenants:
    "Every Connected User this deployment serves. `clearance ingest` ingests each; `serve` answers each.",
  "tenancy.discover":
    "Also serve tenants that webhook events name (a valid event's `user.id`), remembered in the store. Needs the signing key.",
  "tenancy.maxActive":
    "Tenants whose retrievers and Managed Sync clients are held at once; the least recently used is dropped (its caches with it).",
  "tenancy.ingestConcurrency": "Tenants `clearance ingest` runs at once when it ingests every tenant.",
  "managedSync.baseUrl": "The Managed Sync API: Paragon's cloud, an on-prem install, or the emulator's URL.",
  "managedSync.projectId":
    "Your Paragon project id; with the signing key, tokens are minted for `aud = <audienceHost>/<projectId>`.",
  "managedSync.token":
    "A ready Paragon user token. It serves only its own `sub`: use the signing key to serve several tenants.",
  "managedSync.signingKey":
    "The project's signing key (PEM, from Paragon's Settings › SDK setup): Clearance mints a short-lived user token per tenant. `PARAGON_SIGNING_KEY_FILE` reads it from a file.",
  "managedSync.audienceHost":
    "The host in minted tokens' audience (`<host>/<projectId>`); on-prem installs use their own.",
  "managedSync.timeoutMs": "How long one Managed Sync request may take before it is retried or fails.",
  "store.kind":
    "Which vector store: `lancedb` (embedded, a folder on disk; needs `@lancedb/lancedb` and `apache-arrow`) or `qdrant` (needs `@qdrant/js-client-rest`). Setting `QDRANT_URL` alone chooses Qdrant.",
  "store.dir":
    "The embedded store's folder (or a LanceDB URI such as `s3://bucket/path`). Queries refuse a folder that does not exist.",
  "store.chunkCacheEntries":
    "Chunks a query's read-back keeps in memory (a few MB at the default; 0 turns it off). A warm reader's kept chunks are then served from memory, but only while the store's chunks table is unchanged: a write through this process, or one another process on the same store logged (any Clearance process does), drops the chunks of the records it touched; any other change (a compaction, a writer far ahead) empties the cache.",
  "store.recordCacheMb":
    "Megabytes of records' chunks (vectors, text, metadata) held in memory so that a query filtered to a person's allow list scans them exactly instead of searching the index (0 turns it off). A list's records are loaded in the background after its first use; they serve only while the store's chunks table is unchanged: a write through this process, or one another process on the same store logged (any Clearance process does), drops the records it touched; any other change (a compaction, a writer far ahead) empties the memory.",
  "store.recordScanMaxValues":
    "The most vector values (chunks × dimensions) one query scans in that memory; a person's list with more is searched through the index instead, however much is held (and a bound past what half of `store.recordCacheMb` holds in vectors, 4 bytes a value, counts as that). The default is 41k chunks at 384 dims and 10k at 1,536, about 2 ms of scan on the project's 2-core machine. The index finds fewer of a large list's true neighbours, at 1,536 dims most: for a reader of 10k chunks, recall@10 was 0.960 on the index (the former default of 8,000,000) and 1.000 scanned (on the project's benchmark).",
  "store.url": "The Qdrant server (Qdrant ≥ 1.16).",
  "store.apiKey": "Qdrant's API key, if the server wants one.",
  "store.collection": "The Qdrant collection for chunks; ingest state goes to `<collection>_state`.",
  "embeddings.openaiApiKey":
    "With a key, OpenAI embeddings (needs `@langchain/openai`); without one, the offline hashing embedder. Ingest and queries must use the same embedder.",
  "embeddings.model": "The OpenAI embedding model.",
  "embeddings.dimensions":
    "Vector size: OpenAI's `dimensions` for text-embedding-3 models, or the offline embedder's size (384).",
  "embeddings.batchSize": "Texts per embedding request.",
  "embeddings.concurrency": "Embedding requests in flight at once.",
  "ingest.syncs": "Only these sync ids (default: every sync of the tenant).",
  "ingest.pageSize": "Records per page pulled from the Sync API.",
  "ingest.chunkSize": "Characters per chunk.",
  "ingest.chunkOverlap": "Characters shared by neighbouring chunks; smaller than `chunkSize`.",
  "ingest.maxFileBytes":
    "Files larger than this are not downloaded; they are recorded as unindexable (TOO_LARGE).",
  "ingest.maxChars": "Extracted text longer than this is recorded as unindexable (TOO_LONG).",
  "ingest.maxUncompressedBytes":
    "How far a file may inflate while it is read (a DOCX, XLSX or PPTX zip, a ticket's content archive, a PDF's compressed streams); past it, a zip bomb (ZIP_BOMB).",
  "ingest.extractTimeoutMs":
    "How long one file may take to parse; the worker thread is killed at the deadline (TIMEOUT, retried; permanent after 3 runs in a row).",
  "ingest.extractMemoryMb":
    "Heap limit of each extraction worker thread, in MB (default 512; up to 4 workers). A file whose parse needs more is unindexable (OUT_OF_MEMORY): a PDF whose text is millions of separately placed words (a scan's OCR layer) can need 1024.",
  "ingest.downloadTimeoutMs":
    "How long one file's download may take (default: `managedSync.timeoutMs`). A download that times out or is cut off is retried next run; the same on 3 runs in a row, the file is unindexable until it changes or this is raised.",
  "ingest.concurrency": "Downloads and extractions at once per tenant.",
  "retrieval.k": "Chunks a retrieval returns (the retriever's default; the chat asks for 10).",
  "retrieval.strategy":
    "`post`: search, then check the candidates (Batch Check Access); `pre`: the person's allow list (List Objects) filters the search; `auto`: chosen per person from what is known about them.",
  "retrieval.cacheTtlMs": "How long allow/deny answers are reused (0 turns the decision cache off).",
  "retrieval.allowSetTtlMs": "How long a person's allow list is reused for pre-filtering.",
  "retrieval.reverifyShortAfterMs":
    "An answer about to come back short of k re-verifies, once, the cached denials and allow lists that excluded candidates when they are at least this old and the follower does not vouch for them, so a file just shared shows on the person's next query (not after `cacheTtlMs` or `allowSetTtlMs`). Younger evidence is taken as it is: a person who really sees fewer than k chunks pays for it at most this often: one permission call per sync whose denials (200 per call) or list are asked again (none for a `tenant` or `deny` sync's list; an `owner` sync's denials by fetching its owner list once, a call per 1,000 records, or a record read each where that costs less; within `maxPermissionCalls`). 0: every short answer re-verifies.",
  "retrieval.freshnessMs":
    "How stale the permission evidence behind a result may be; 0 confirms every result during the query. Default: 10 s while the permission-changes follower runs, else 0.",
  "retrieval.follow":
    "Follow each sync's Permission Changes feed in `serve` and turn it into cache invalidations.",
  "retrieval.followIntervalMs":
    "How often the follower polls each sync's feed: a sharing change reaches the caches within about this.",
  "retrieval.onPermissionError":
    "When the Permissions API fails: `throw` a typed error, or return `empty` results with the reason in the report. Never results that were not checked.",
  "retrieval.tenantWideSyncs":
    "Removed: CRM and ticketing syncs get record policies (`records.policies`); setting it is an error that says what to write.",
  "retrieval.budget.maxCandidates":
    "Candidates one retrieval may scan before it stops short of k (the report says which budget was hit).",
  "retrieval.budget.maxPermissionCalls": "Permissions API calls one retrieval may make.",
  "retrieval.budget.maxMs":
    "Time one retrieval may take: permission calls and searches still in flight when it runs out are cancelled, and the retrieval returns what it confirmed by then (the report says `budgetHit: time`).",
  "records.policies":
    "Rules `{ integration, pipeline, configurationName?, syncId?, policy: deny | tenant | owner, ownerField? }` deciding who reads a CRM or ticketing sync's records (no rule: `deny`).",
  "records.members.domains":
    "Email domains of the tenant's people, for the `tenant` policy outside a verified identity (one tenant only).",
  "records.members.tenants": "Per tenant (Connected User id): the email domains of its people.",
  "records.owners":
    "CRM owner ids mapped to people (`email`, or `{ email, name }`), for every tenant: for the `owner` policy, and to name owners in the text. Only for ids unique across customer accounts (Salesforce, ServiceNow, Jira).",
  "records.ownersByTenant":
    "Per tenant (Connected User id): its own owner ids mapped to people, over `records.owners`. Needed where ids are unique only within one customer's account (HubSpot owners, Zendesk users).",
  "server.host": "The interface `clearance serve` listens on.",
  "server.port": "The port `clearance serve` listens on.",
  "server.webhookSecret":
    "The secret Paragon's webhook URL must carry (`?secret=` or `x-clearance-webhook-secret`); required by `serve --webhooks`.",
  "server.webhookInsecureNoSecret":
    "Accept webhooks without a secret: anyone who reaches the URL can queue work.",
  "auth.jwksUrl":
    "Where `clearance serve` gets the public keys that verify bearer JWTs (your sign-in's JWKS).",
  "auth.issuer": "The JWT issuer to accept (required unless the insecure opt-out).",
  "auth.audience": "The JWT audience to accept (required unless the insecure opt-out).",
  "auth.claim": "The claim holding the asker's email (the Permissions API's user).",
  "auth.tenantClaim":
    "The claim naming the asker's tenant (Connected User id), e.g. `org_id`; needed with several tenants.",
  "auth.insecureAcceptAnyIssuerAndAudience":
    "Accept tokens of any issuer and audience: a token minted for another app then reads here.",
  "chat.model":
    "The OpenAI chat model that writes answers when an OpenAI key is set (offline: the extractive answerer).",
  "mcp.user":
    "`clearance mcp` (stdio): the person the local server answers for. HTTP mode takes the person from the token.",
  "mcp.resource":
    "HTTP mode: the MCP endpoint's public URL; bearer tokens must carry it as their audience. Default: the listening address plus `/mcp`.",
  "mcp.authorizationServers":
    "HTTP mode: the OAuth authorization servers that sign people in (default: `auth.issuer`).",
  "mcp.allowedOrigins": "HTTP mode: browser origins allowed to call `/mcp`, besides the resource's own.",
};
