/**
 * Validation rules that refuse expensive operations before they run: nesting depth, and a cost
 * that multiplies each list field's children by the page size it asks for.
 */
import { GraphQLError, Kind, type ASTVisitor, type FieldNode, type SelectionSetNode, type ValidationContext, type ValidationRule } from "graphql";
import { DEFAULT_PAGE, MAX_PAGE } from "./services/pagination.ts";

interface Measure {
  depth: number;
  cost: number;
}

function pageOf(field: FieldNode, name: string): number {
  const first = field.arguments?.find((a) => a.name.value === "first");
  if (first) return first.value.kind === Kind.INT ? Math.max(1, Number(first.value.value)) : MAX_PAGE;
  // Connections without `first` return the default page; other lists are bounded small (clusters, members).
  return name === "datasets" || name === "runs" ? DEFAULT_PAGE : 1;
}

function measure(set: SelectionSetNode | undefined, ctx: ValidationContext, seen: Set<string>): Measure {
  if (!set) return { depth: 0, cost: 0 };
  let depth = 0;
  let cost = 0;
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      if (sel.name.value.startsWith("__")) continue;
      const inner = measure(sel.selectionSet, ctx, seen);
      depth = Math.max(depth, 1 + inner.depth);
      cost += 1 + pageOf(sel, sel.name.value) * inner.cost;
    } else {
      let inner: Measure = { depth: 0, cost: 0 };
      if (sel.kind === Kind.INLINE_FRAGMENT) inner = measure(sel.selectionSet, ctx, seen);
      else if (!seen.has(sel.name.value)) {
        const frag = ctx.getFragment(sel.name.value);
        inner = measure(frag?.selectionSet, ctx, new Set([...seen, sel.name.value]));
      }
      depth = Math.max(depth, inner.depth);
      cost += inner.cost;
    }
  }
  return { depth, cost };
}

export function queryLimits(options: { maxDepth: number; maxCost: number }): ValidationRule {
  return (ctx: ValidationContext): ASTVisitor => ({
    OperationDefinition(node) {
      const { depth, cost } = measure(node.selectionSet, ctx, new Set());
      if (depth > options.maxDepth) {
        ctx.reportError(new GraphQLError(`query is too deep: depth ${depth} exceeds ${options.maxDepth}`, { nodes: [node], extensions: { code: "QUERY_TOO_COMPLEX" } }));
      } else if (cost > options.maxCost) {
        ctx.reportError(new GraphQLError(`query is too expensive: cost ${cost} exceeds ${options.maxCost}`, { nodes: [node], extensions: { code: "QUERY_TOO_COMPLEX" } }));
      }
    },
  });
}
