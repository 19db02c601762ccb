import type { Identify } from "../chat/index.js";

/** The header the demo page sends to say who you are acting as. */
export const DEV_IDENTITY_HEADER = "x-clearance-user";

/**
 * DEMO ONLY. Trusts a request header anyone can set to say who is asking, so anyone can read as
 * anyone. Production must use real authentication (`jwtIdentity`, or your session) instead.
 * With `people`, only those emails are accepted.
 */
export function devHeaderIdentity(
  options: { header?: string; people?: readonly { email: string }[] } = {},
): Identify {
  const header = options.header ?? DEV_IDENTITY_HEADER;
  const known = options.people ? new Set(options.people.map((p) => p.email.toLowerCase())) : undefined;
  return (request) => {
    const value = request.headers.get(header)?.trim();
    if (!value) return undefined;
    if (known && !known.has(value.toLowerCase())) return undefined;
    return value;
  };
}
