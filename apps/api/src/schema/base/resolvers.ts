import { GraphQLScalarType, Kind, type ValueNode } from "graphql";
import { signOut } from "../../services/auth.ts";
import type { Resolvers } from "../types.generated.ts";

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

export const baseResolvers: Resolvers = {
  DateTime: new GraphQLScalarType<Date, string>({
    name: "DateTime",
    serialize: (v) => (v instanceof Date ? v : new Date(v as string)).toISOString(),
    parseValue: (v) => new Date(v as string),
    parseLiteral: (node) => new Date(node.kind === Kind.STRING ? node.value : NaN),
  }),
  JSON: new GraphQLScalarType({ name: "JSON", serialize: (v) => v, parseValue: (v) => v, parseLiteral: literal }),
  Query: {
    viewer: (_, __, ctx) => (ctx.viewer ? ctx.loaders.user.load(ctx.viewer.userId) : null),
  },
  Mutation: {
    signOut: (_, __, ctx) => signOut(ctx),
  },
};
