import fc from "fast-check";
import type { Tuple } from "./naive-evaluator.js";

/**
 * Random OpenFGA models within the engine's supported features — direct restrictions (objects,
 * wildcards, usersets), computed relations, tuple-to-userset over a `link` relation, union,
 * intersection and exclusion — and random tuples over a small universe, some of which violate the
 * type restrictions (the engine must ignore those, as OpenFGA does).
 */

export const OBJECT_TYPES = ["ta", "tb"] as const;
export const RELATIONS = ["r1", "r2", "r3"] as const;
const IDS = ["0", "1", "2"];

type Term =
  | { kind: "direct"; types: string[] }
  | { kind: "computed"; relation: string }
  | { kind: "ttu"; relation: string };
interface RelationSpec {
  operator: "or" | "and" | "but not" | "or-and" | "or-but-not" | "single";
  terms: Term[];
}
export interface ModelSpec {
  links: Record<string, string[]>;
  relations: Record<string, Record<string, RelationSpec>>;
}

const plainPool = ["user", "user:*", ...OBJECT_TYPES];
const usersetPool = OBJECT_TYPES.flatMap((t) => RELATIONS.map((r) => `${t}#${r}`));

// At least one plain type, so every relation with a direct term has an entry point.
const directTerm = fc
  .tuple(fc.subarray(plainPool, { minLength: 1, maxLength: 3 }), fc.subarray(usersetPool, { maxLength: 2 }))
  .map(([plain, usersets]): Term => ({ kind: "direct", types: [...plain, ...usersets] }));

function otherTerm(self: string): fc.Arbitrary<Term> {
  return fc.oneof(
    fc
      .constantFrom(...RELATIONS.filter((r) => r !== self))
      .map((relation): Term => ({ kind: "computed", relation })),
    fc.constantFrom(...RELATIONS).map((relation): Term => ({ kind: "ttu", relation })),
  );
}

// r1 always has a direct term and no `and`; the second operand of an `and` refers to r1. Together
// these keep most generated models valid (OpenFGA rejects relations with no entry point).
const anchorTerm = (self: string): fc.Arbitrary<Term> =>
  self === "r1"
    ? fc.constant<Term>({ kind: "ttu", relation: "r1" })
    : fc.constantFrom<Term>({ kind: "computed", relation: "r1" }, { kind: "ttu", relation: "r1" });

function relationSpec(self: string): fc.Arbitrary<RelationSpec> {
  const operators =
    self === "r1"
      ? (["or", "but not", "or-but-not", "single"] as const)
      : (["or", "and", "but not", "or-and", "or-but-not", "single"] as const);
  return fc
    .record({
      operator: fc.constantFrom(...operators),
      direct: self === "r1" ? directTerm : fc.option(directTerm, { freq: 2, nil: undefined }),
      others: fc.uniqueArray(otherTerm(self), { minLength: 3, maxLength: 3, selector: termDsl }),
      anchor: anchorTerm(self),
    })
    .map(({ operator, direct, others, anchor }): RelationSpec => {
      const [a, b, c] = others as [Term, Term, Term];
      const first = direct ?? a;
      switch (operator) {
        case "single":
          return { operator, terms: [first] };
        case "or":
          return { operator, terms: [first, b, c] };
        case "and":
          return { operator, terms: [first, anchor] };
        case "but not":
          return { operator, terms: [first, b] };
        case "or-and":
          return { operator, terms: [first, b, anchor] };
        default:
          return { operator, terms: [first, b, c] };
      }
    })
    .filter(({ terms }) => new Set(terms.map(termDsl)).size === terms.length);
}

export const modelSpec: fc.Arbitrary<ModelSpec> = fc.record({
  links: fc.record(
    Object.fromEntries(
      OBJECT_TYPES.map((t) => [t, fc.subarray([...OBJECT_TYPES], { minLength: 1 })]),
    ) as Record<string, fc.Arbitrary<string[]>>,
  ),
  relations: fc.record(
    Object.fromEntries(
      OBJECT_TYPES.map((t) => [
        t,
        fc.record(
          Object.fromEntries(RELATIONS.map((r) => [r, relationSpec(r)])) as Record<
            string,
            fc.Arbitrary<RelationSpec>
          >,
        ),
      ]),
    ) as Record<string, fc.Arbitrary<Record<string, RelationSpec>>>,
  ),
});

function termDsl(term: Term): string {
  if (term.kind === "direct") return `[${term.types.join(", ")}]`;
  if (term.kind === "computed") return term.relation;
  return `${term.relation} from link`;
}

/** Renders a spec as OpenFGA DSL (schema 1.1). */
export function toDsl(spec: ModelSpec): string {
  const lines = ["model", "  schema 1.1", "type user"];
  for (const type of OBJECT_TYPES) {
    lines.push(`type ${type}`, "  relations", `    define link: [${(spec.links[type] ?? []).join(", ")}]`);
    for (const relation of RELATIONS) {
      const { operator, terms } = (spec.relations[type] as Record<string, RelationSpec>)[
        relation
      ] as RelationSpec;
      const [a, b, c] = terms.map(termDsl);
      const body =
        operator === "single"
          ? a
          : operator === "or-and"
            ? `(${a} or ${b}) and ${c}`
            : operator === "or-but-not"
              ? `(${a} or ${b}) but not ${c}`
              : terms.map(termDsl).join(` ${operator} `);
      lines.push(`    define ${relation}: ${body}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

/** Every object of the universe. */
export const OBJECTS = OBJECT_TYPES.flatMap((t) => IDS.map((id) => `${t}:${id}`));

/** Every user the fixtures ask about: objects, wildcards and usersets. */
export const USERS = [
  ...IDS.map((id) => `user:${id}`),
  ...OBJECTS,
  "user:*",
  ...OBJECT_TYPES.map((t) => `${t}:*`),
  ...OBJECTS.flatMap((o) => ["link", ...RELATIONS].map((r) => `${o}#${r}`)),
];

const storedUserPool = [
  ...IDS.map((id) => `user:${id}`),
  "user:*",
  ...OBJECTS,
  ...OBJECTS.flatMap((o) => RELATIONS.map((r) => `${o}#${r}`)),
];

/** Random tuples on the universe (valid or not for any given model). */
export const tuples: fc.Arbitrary<Tuple[]> = fc.uniqueArray(
  fc.record({
    object: fc.constantFrom(...OBJECTS),
    relation: fc.constantFrom("link", ...RELATIONS),
    user: fc.constantFrom(...storedUserPool),
  }),
  { maxLength: 40, selector: (t) => `${t.object}#${t.relation}@${t.user}` },
);
