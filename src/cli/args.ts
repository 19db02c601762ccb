import { readFileSync } from "node:fs";
import { InvalidArgumentError } from "commander";
import { ClearanceError } from "../errors.js";
import { isEmail } from "../records/index.js";

/** Commander parser for the person asking: an email, as the source systems know them. */
export function email(value: string): string {
  const trimmed = value.trim();
  if (!isEmail(trimmed)) {
    throw new InvalidArgumentError(
      "expected an email address, as the source system knows the person (e.g. ana@northwind.test)",
    );
  }
  return trimmed;
}

/** Commander parser for a count ≥ 1. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("expected a positive integer");
  return n;
}

/** Commander parser for a whole number ≥ 0 (a seed, a delay). */
export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("must be a whole number ≥ 0");
  return n;
}

/** Commander parser for a TCP port (0: any free port). */
export function port(value: string): number {
  const n = nonNegativeInt(value);
  if (n > 65_535) throw new InvalidArgumentError("must be a port, 0 to 65535");
  return n;
}

/** Commander parser for a rate between 0 and 1. */
export function fraction(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) {
    throw new InvalidArgumentError("must be a fraction between 0 and 1");
  }
  return n;
}

/** Commander parser for a regular expression (kept as its source text). */
export function regex(value: string): string {
  try {
    new RegExp(value);
  } catch (error) {
    throw new InvalidArgumentError(`not a regular expression: ${(error as Error).message}`);
  }
  return value;
}

/**
 * Reads the file a flag names; a missing or unreadable one is a setup error naming the flag and
 * the path, not an ENOENT from deep inside.
 */
export function readFlagFile(flag: string, file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code ?? (cause as Error).message;
    throw new ClearanceError(
      "CLI_FILE_UNREADABLE",
      `${flag} ${file}: cannot read it (${reason}): check the path`,
      {
        cause,
      },
    );
  }
}

/** Config overrides for `--tenant <id>`: exactly that tenant, instead of the configured ones. */
export function onlyTenantOverride(tenant: string | undefined): Record<string, unknown> {
  return tenant ? { tenant, tenants: [] } : {};
}
