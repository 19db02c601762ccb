import type { MiddlewareHandler } from "hono";
import { ClearanceError } from "../../errors.js";
import type { EmulatorState } from "../state/index.js";
import type { EmulatorEnv } from "./env.js";

/** The second seed's routes name the project in the path; another project's id is a 404, as in Paragon. */
export function requireProject(state: EmulatorState): MiddlewareHandler<EmulatorEnv> {
  return async (c, next) => {
    if (c.req.param("projectId") !== state.projectId) {
      throw new ClearanceError(
        "NOT_FOUND",
        `no project ${c.req.param("projectId")}: this emulator serves ${state.projectId}`,
      );
    }
    await next();
  };
}
