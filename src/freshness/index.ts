// Following Paragon's Permission Changes feed so cached permission evidence is trusted only while proven current.
export { FeedTokens, type SavedPosition, type StateStore } from "./feed-tokens.js";
export { invalidationOf, invalidationsOf } from "./invalidations.js";
export {
  DEFAULT_FOLLOW_INTERVAL_MS,
  PermissionFollower,
  type PermissionFollowerOptions,
} from "./permission-follower.js";
export {
  type FollowerStatus,
  type PermissionChangesReader,
  SyncFollower,
  type SyncFollowerOptions,
} from "./sync-follower.js";
