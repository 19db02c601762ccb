import type { EmulatorState } from "../state/index.js";
import type { FaultInjector } from "./faults.js";
import type { TokenKeys } from "./keys.js";
import type { MalformedRecords } from "./malformed-records.js";

/** Hono context variables the emulator's routes share. */
export interface EmulatorEnv {
  Variables: {
    /** The Connected User (token `sub`) of an authenticated Sync API call. */
    tenant: string;
  };
}

/** What the routes work with. */
export interface ServerDeps {
  state: EmulatorState;
  keys: TokenKeys;
  adminToken: string;
  faults: FaultInjector;
  /** Connected Users whose credentials were revoked: their (valid) tokens get 401 `USER_REVOKED`. */
  revokedUsers: Set<string>;
  /** Records served malformed on purpose (admin `PUT /syncs/{syncId}/malformed/{recordId}`). */
  malformed: MalformedRecords;
  /** Resolves once the latest changes are durable (a no-op without a state folder). */
  persist: () => Promise<void>;
}
