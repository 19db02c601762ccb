/**
 * A deliberately naive evaluator, written for the tests: it grounds every (object, relation, user)
 * of a small universe into a boolean rule straight from OpenFGA's JSON model (not the engine's
 * compiled form) and solves the rules bottom-up — Van Gelder's alternating fixpoint, i.e. the
 * well-founded model, read "undefined = false". It shares no code with the engine.
 */

export interface Tuple {
  object: string;
  relation: string;
  user: string;
}

/** A ground rule: constants, atom names, and/or/not. */
export type Rule = boolean | string | { or: Rule[] } | { and: Rule[] } | { not: Rule };

// biome-ignore lint/suspicious/noExplicitAny: OpenFGA JSON is walked structurally here on purpose.
type Json = any;

export function atomName(object: string, relation: string, user: string): string {
  return `${object}#${relation}@${user}`;
}

function userShape(user: string): { type: string; relation?: string; wildcard: boolean } {
  const [type, rest] = user.split(":") as [string, string];
  const hash = rest.indexOf("#");
  if (rest === "*") return { type, wildcard: true };
  if (hash >= 0) return { type, relation: rest.slice(hash + 1), wildcard: false };
  return { type, wildcard: false };
}

/** Whether a user string matches a stored user string directly (exact, or the stored wildcard). */
export function directlyMatches(stored: string, user: string): boolean {
  if (stored === user) return true;
  const shape = userShape(stored);
  const asked = userShape(user);
  return shape.wildcard && !asked.wildcard && asked.relation === undefined && asked.type === shape.type;
}

/** Builds the ground rules of every atom over `objects` × their relations × `users`. */
export function groundProgram(
  model: Json,
  tuples: Tuple[],
  objects: string[],
  users: string[],
): Map<string, Rule> {
  const typeDefs = new Map<string, Json>(model.type_definitions.map((def: Json) => [def.type, def]));
  const relationsOf = (type: string): string[] => Object.keys(typeDefs.get(type)?.relations ?? {});
  const restrictions = (type: string, relation: string): Json[] =>
    typeDefs.get(type)?.metadata?.relations?.[relation]?.directly_related_user_types ?? [];
  const valid = (type: string, relation: string, user: string): boolean => {
    const shape = userShape(user);
    return restrictions(type, relation).some(
      (ref: Json) =>
        ref.type === shape.type &&
        Boolean(ref.wildcard) === shape.wildcard &&
        (ref.relation ?? undefined) === shape.relation,
    );
  };
  const stored = (object: string, relation: string): string[] => {
    const type = object.split(":")[0] as string;
    if (!relationsOf(type).includes(relation)) return [];
    return tuples
      .filter((t) => t.object === object && t.relation === relation && valid(type, relation, t.user))
      .map((t) => t.user);
  };

  const program = new Map<string, Rule>();
  for (const object of objects) {
    const type = object.split(":")[0] as string;
    for (const relation of relationsOf(type)) {
      for (const user of users) {
        const rule = (userset: Json): Rule => {
          if (userset.this) {
            return {
              or: stored(object, relation).map((s) => {
                if (directlyMatches(s, user)) return true;
                const hash = s.indexOf("#");
                return hash >= 0 ? atomName(s.slice(0, hash), s.slice(hash + 1), user) : false;
              }),
            };
          }
          if (userset.computedUserset) return atomName(object, userset.computedUserset.relation, user);
          if (userset.tupleToUserset) {
            const computed = userset.tupleToUserset.computedUserset.relation;
            return {
              or: stored(object, userset.tupleToUserset.tupleset.relation)
                .filter((parent) => !parent.includes("#") && !parent.endsWith(":*"))
                .filter((parent) => relationsOf(parent.split(":")[0] as string).includes(computed))
                .map((parent) => atomName(parent, computed, user)),
            };
          }
          if (userset.union) return { or: userset.union.child.map(rule) };
          if (userset.intersection) return { and: userset.intersection.child.map(rule) };
          return { and: [rule(userset.difference.base), { not: rule(userset.difference.subtract) }] };
        };
        const self = user === `${object}#${relation}`;
        program.set(
          atomName(object, relation, user),
          self ? true : rule(typeDefs.get(type).relations[relation]),
        );
      }
    }
  }
  return program;
}

/** The atoms true in the well-founded model of `program` (an atom without a rule is false). */
export function solve(program: Map<string, Rule>): Set<string> {
  const leastModel = (negated: Set<string>): Set<string> => {
    const truth = new Set<string>();
    const holds = (rule: Rule, positive: boolean): boolean => {
      if (typeof rule === "boolean") return rule;
      if (typeof rule === "string") return positive ? truth.has(rule) : negated.has(rule);
      if ("or" in rule) return rule.or.some((r) => holds(r, positive));
      if ("and" in rule) return rule.and.every((r) => holds(r, positive));
      return !holds(rule.not, !positive);
    };
    for (let changed = true; changed; ) {
      changed = false;
      for (const [atom, rule] of program) {
        if (!truth.has(atom) && holds(rule, true)) {
          truth.add(atom);
          changed = true;
        }
      }
    }
    return truth;
  };
  let truth = new Set<string>();
  for (;;) {
    const next = leastModel(leastModel(truth));
    if (next.size === truth.size) return next;
    truth = next;
  }
}
