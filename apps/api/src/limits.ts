/**
 * Validation rules that refuse expensive operations before any resolver runs: nesting depth,
 * aliases, directives, and a cost that multiplies each list field's children by the size it asks
 * for and charges expensive resolvers a weight.
 *
 * Cost and depth are hand-written: the maintained cost libraries either ignore list sizes taken
 * from arguments (graphql-armor's cost-limit) or expand every fragment spread again
 * (graphql-query-complexity), which is exponential in a document of fragments that each spread the
 * next twice. Here each fragment is measured once per document, so the work is linear in its size.
 * Aliases and directives use graphql-armor's rules (they also count each fragment once).
 */
import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDirectivesRule } from "@escape.tech/graphql-armor-max-directives";
import {
  GraphQLError,
  Kind,
  valueFromASTUntyped,
  type ASTVisitor,
  type FieldNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from "graphql";
import { MAX_PAGE } from "./services/pagination.ts";

export interface QueryLimits {
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
  maxDirectives: number;
}

/**
 * Resolvers that read files or compute over every cell, charged this much each time they resolve
 * (a plain field costs 1). One place to say what is expensive.
 */
export const FIELD_WEIGHTS: Record<string, number> = {
  "Query.runAgreement": 250, // reads both runs' per-cell files, ARI/NMI and a contingency table
  "Run.labelConfusion": 100, // reads the run's per-cell file
  "Run.lossHistory": 50, // reads history.json from storage
  "Dataset.qc": 50, // computed from the counts on first read of older datasets
  "Cluster.markers": 2,
  "Run.cas": 200, // reads the per-cell file and clusters.csv, every proposal's votes
  "Run.composition": 100, // reads the run's per-cell file
  "Query.labelCorrespondence": 250, // reads both runs' per-cell files
  "Cluster.suggestions": 10, // scores ~300 marker-database types on the cluster's markers
};

/** Upper bounds of list arguments when a variable (unknown at validation) gives them. */
const ARG_BOUNDS: Record<string, number> = { first: MAX_PAGE, top: 50, ids: 20 };

export const tooComplex = (message: string) => new GraphQLError(message, { extensions: { code: "QUERY_TOO_COMPLEX" } });

interface Measure {
  depth: number;
  cost: number;
}

/** How many items a list field returns at most, from its arguments (literal, variable, schema default). */
function listSize(field: FieldNode, def: GraphQLField<unknown, unknown> | undefined): number {
  for (const name of ["first", "top", "ids"]) {
    const arg = field.arguments?.find((a) => a.name.value === name);
    if (arg) {
      if (arg.value.kind === Kind.VARIABLE) return ARG_BOUNDS[name]!;
      const value = valueFromASTUntyped(arg.value);
      if (Array.isArray(value)) return Math.max(1, value.length);
      return typeof value === "number" || typeof value === "string" ? Math.max(1, Number(value) || 1) : 1;
    }
    const declared = def?.args.find((a) => a.name === name)?.defaultValue;
    if (typeof declared === "number") return Math.max(1, declared);
  }
  // Lists without a size argument (a run's clusters, a team's members) are bounded by the data and
  // priced once; the connections and per-item lists above are what a client can inflate.
  return 1;
}

// Types are told apart by shape, not graphql-js's `instanceof` helpers: the schema may come from
// graphql's CommonJS build (Apollo's) while this module was loaded with its ES build.
interface Composite {
  name: string;
  getFields(): Record<string, GraphQLField<unknown, unknown>>;
}
const composite = (t: GraphQLNamedType | null | undefined): Composite | undefined => (t && "getFields" in t ? (t as unknown as Composite) : undefined);
function unwrap(type: GraphQLOutputType): { named: GraphQLNamedType; list: boolean } {
  let t = type as GraphQLOutputType & { ofType?: GraphQLOutputType };
  if (t.constructor.name === "GraphQLNonNull") t = t.ofType!;
  const list = t.constructor.name === "GraphQLList";
  while ("ofType" in t && t.ofType) t = t.ofType as typeof t;
  return { named: t as GraphQLNamedType, list };
}

export function queryLimitsRule(options: Pick<QueryLimits, "maxDepth" | "maxCost">): ValidationRule {
  return (ctx: ValidationContext): ASTVisitor => {
    const schema = ctx.getSchema();
    // Each fragment is measured once per document: spreads reuse the figure (linear work).
    const fragments = new Map<string, Measure>();
    const inProgress = new Set<string>();

    const measure = (set: SelectionSetNode | undefined, parent: Composite | undefined): Measure => {
      if (!set) return { depth: 0, cost: 0 };
      let depth = 0;
      let cost = 0;
      for (const sel of set.selections) {
        if (sel.kind === Kind.FIELD) {
          const name = sel.name.value;
          if (name.startsWith("__")) continue;
          const def = parent?.getFields()[name];
          const type = def ? unwrap(def.type) : undefined;
          const inner = measure(sel.selectionSet, composite(type?.named));
          // A connection (`edges`) or a list multiplies its children by the size it asks for.
          const many = type && (type.list || /Connection$/.test(type.named.name)) ? listSize(sel, def) : 1;
          depth = Math.max(depth, 1 + inner.depth);
          cost += (parent ? (FIELD_WEIGHTS[`${parent.name}.${name}`] ?? 1) : 1) + many * inner.cost;
        } else if (sel.kind === Kind.INLINE_FRAGMENT) {
          const inner = measure(sel.selectionSet, sel.typeCondition ? composite(schema.getType(sel.typeCondition.name.value)) : parent);
          depth = Math.max(depth, inner.depth);
          cost += inner.cost;
        } else {
          const inner = measureFragment(sel.name.value);
          depth = Math.max(depth, inner.depth);
          cost += inner.cost;
        }
        // Past the limit the exact figure does not matter; stop growing toward Infinity.
        if (cost > options.maxCost * 1e6) cost = options.maxCost * 1e6;
      }
      return { depth, cost };
    };

    const measureFragment = (name: string): Measure => {
      const known = fragments.get(name);
      if (known) return known;
      // A cycle is its own validation error (NoFragmentCycles); count it as nothing here.
      if (inProgress.has(name)) return { depth: 0, cost: 0 };
      const frag = ctx.getFragment(name);
      if (!frag) return { depth: 0, cost: 0 };
      inProgress.add(name);
      const m = measure(frag.selectionSet, composite(schema.getType(frag.typeCondition.name.value)));
      inProgress.delete(name);
      fragments.set(name, m);
      return m;
    };

    return {
      OperationDefinition(node) {
        const root = node.operation === "query" ? schema.getQueryType() : node.operation === "mutation" ? schema.getMutationType() : schema.getSubscriptionType();
        const { depth, cost } = measure(node.selectionSet, composite(root));
        if (depth > options.maxDepth) ctx.reportError(tooComplex(`query is too deep: depth ${depth} exceeds ${options.maxDepth}`));
        else if (cost > options.maxCost) ctx.reportError(tooComplex(`query is too expensive: cost ${cost >= options.maxCost * 1e6 ? `over ${options.maxCost * 1e6}` : cost} exceeds ${options.maxCost}`));
      },
    };
  };
}

/** Every limit as validation rules (Apollo runs them with graphql-js's own, before execution). */
export function queryLimits(options: QueryLimits): ValidationRule[] {
  const report = (what: string, limit: number) => (ctx: ValidationContext | null, err: GraphQLError) => {
    const found = /found (\d+)/.exec(err.message)?.[1] ?? "more than the limit";
    ctx?.reportError(tooComplex(`query has too many ${what}: ${found} exceed ${limit}`));
  };
  return [
    queryLimitsRule(options),
    maxAliasesRule({ n: options.maxAliases, propagateOnRejection: false, onReject: [report("aliases", options.maxAliases)] }),
    maxDirectivesRule({ n: options.maxDirectives, propagateOnRejection: false, onReject: [report("directives", options.maxDirectives)] }),
  ];
}
