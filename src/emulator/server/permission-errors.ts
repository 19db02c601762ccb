import type { ErrorHandler } from "hono";
import { AuthzError } from "../../authz/index.js";
import { PermissionInputError } from "../authz/index.js";
import type { EmulatorEnv } from "./env.js";
import { errorResponse, onError } from "./http-errors.js";

/** Bad Permissions API input is a 400 naming the problem; anything else goes to the shared handler. */
export const onPermissionError: ErrorHandler<EmulatorEnv> = (error, c) => {
  if (error instanceof PermissionInputError || error instanceof AuthzError) {
    return errorResponse(c, 400, error.code, error.message);
  }
  return onError(error, c);
};
