import { GraphQLScalarType, Kind, type ValueNode } from "graphql";
import type { RequestContext } from "../../context.ts";
import { signOut } from "../../services/auth.ts";

function literal(node: ValueNode): unknown {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return node.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.LIST:
      return node.values.map(literal);
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((f) => [f.name.value, literal(f.value)]));
    default:
      return null;
  }
}

export const baseResolvers = {
  DateTime: new GraphQLScalarType<Date, string>({
    name: "DateTime",
    serialize: (v) => (v instanceof Date ? v : new Date(v as string)).toISOString(),
    parseValue: (v) => new Date(v as string),
    parseLiteral: (node) => new Date(node.kind === Kind.STRING ? node.value : NaN),
  }),
  JSON: new GraphQLScalarType({ name: "JSON", serialize: (v) => v, parseValue: (v) => v, parseLiteral: literal }),
  Query: {
    viewer: (_: unknown, __: unknown, ctx: RequestContext) => (ctx.viewer ? ctx.loaders.user.load(ctx.viewer.userId) : null),
  },
  Mutation: {
    signOut: (_: unknown, __: unknown, ctx: RequestContext) => signOut(ctx),
  },
};
