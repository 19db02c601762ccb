import { isEmail } from "../records/index.js";
import type { AccessContext, Subject } from "./types.js";

/**
 * Who counts as a member of the tenant for the `tenant` record policy, when the caller's identity
 * path does not vouch for it (`AccessContext.member`): the email domains of the tenant's people,
 * or a function (your directory). There is no "everyone" rule, on purpose.
 *
 * @example { domains: ["northwind.test"] }
 * @example async (email) => (await directory.lookup(email))?.company === "northwind"
 */
export type MembershipRule =
  | { readonly domains: readonly string[] }
  | ((subject: Subject) => boolean | Promise<boolean>);

/**
 * Whether `subject` is a verified member of the tenant: vouched for by the caller, or passing the
 * rule. A subject that is not an email (`*`, an id) never is. A rule that throws throws.
 */
export async function isMember(
  subject: Subject,
  context: AccessContext | undefined,
  rule: MembershipRule | undefined,
): Promise<boolean> {
  if (!isEmail(subject)) return false;
  if (context?.member === true) return true;
  if (!rule) return false;
  if (typeof rule === "function") return (await rule(subject)) === true;
  const domain = subject.slice(subject.lastIndexOf("@") + 1).toLowerCase();
  return rule.domains.some((d) => d.trim().toLowerCase() === domain);
}
