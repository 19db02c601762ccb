import type { PermissionAwareRetriever } from "../retrieval/index.js";

/** Who the MCP tools answer for: one person, through their tenant's retriever. */
export interface McpCaller {
  /** The retriever of the person's tenant (`retrievers.forTenant(identity.tenant)`). */
  retriever: PermissionAwareRetriever;
  /** Their email, as the Permissions API knows them. */
  user: string;
  /**
   * The person was verified as a member of the retriever's tenant (a signed token naming it), so
   * records shared tenant-wide are theirs too. False for a person named by local configuration.
   */
  member: boolean;
}
