import { ClearanceError } from "../errors.js";

/** A setting is missing or wrong; the message names each one and how to fix it. */
export class ConfigError extends ClearanceError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[], options?: { cause?: unknown }) {
    super("CONFIG_INVALID", `invalid configuration:\n  - ${problems.join("\n  - ")}`, options);
    this.problems = problems;
  }
}
