import { ClearanceError } from "../../errors.js";
import type { EmulatorState } from "../state/index.js";
import { PermissionGraph } from "./permission-graph.js";
import { type PermissionLimits, PermissionService } from "./permission-service.js";

/** Overrides the list-objects and list-users cap (default 1000), e.g. to watch truncation. */
export const LIST_CAP_ENV = "CLEARANCE_EMULATOR_LIST_CAP";

const services = new WeakMap<EmulatorState, PermissionService>();

/**
 * The Permissions API of an emulator state: one per state, created on first use and following the
 * state's changes from then on. Both route sets (official and alias) share it. `limits` apply on
 * creation; later, set `permissionsOf(state).limits.listObjects` directly.
 */
export function permissionsOf(
  state: EmulatorState,
  limits: Partial<PermissionLimits> = {},
): PermissionService {
  let service = services.get(state);
  if (!service) {
    const cap = listCapFromEnv();
    service = new PermissionService(new PermissionGraph(state), {
      listObjects: cap,
      listUsers: cap,
      ...limits,
    });
    services.set(state, service);
  }
  return service;
}

function listCapFromEnv(): number | undefined {
  const raw = process.env[LIST_CAP_ENV];
  if (raw === undefined || raw.trim() === "") return undefined;
  const cap = Number(raw);
  if (!Number.isInteger(cap) || cap < 1) {
    throw new ClearanceError("CONFIG_INVALID", `${LIST_CAP_ENV} is "${raw}": set it to a positive integer`);
  }
  return cap;
}
