/**
 * The GraphQL input boundary: text with control characters (NUL and the other C0 codes except tab,
 * line feed and carriage return, and DEL) is refused before any resolver runs, in variables and in
 * the document's own string literals alike. PostgreSQL cannot store NUL in text, and the others
 * corrupt logs, CSV exports and terminals; naming the field is more use to a client than a 500.
 */
import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError, visit, type DocumentNode } from "graphql";

// eslint-disable-next-line no-control-regex -- matching control characters is this rule's job
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

export const hasControlCharacter = (text: string): boolean => CONTROL.test(text);

/** The first string with a control character in a JSON value, as a dotted path. */
export function findControlCharacter(value: unknown, path: string): string | null {
  if (typeof value === "string") return CONTROL.test(value) ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findControlCharacter(value[i], `${path}[${i}]`);
      if (hit) return hit;
    }
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      const hit = findControlCharacter(v, `${path}.${k}`) ?? (CONTROL.test(k) ? `${path}.${k}` : null);
      if (hit) return hit;
    }
  }
  return null;
}

function inDocument(document: DocumentNode): string | null {
  let hit: string | null = null;
  visit(document, {
    Argument(node) {
      if (hit) return false;
      let found = false;
      visit(node.value, { StringValue: (s) => void (found ||= CONTROL.test(s.value)) });
      if (found) hit = `argument ${node.name.value}`;
      return undefined;
    },
  });
  return hit;
}

const refuse = (where: string) =>
  new GraphQLError(`${where} contains a control character (NUL or another code below U+0020 other than tab and line breaks); remove it`, {
    extensions: { code: "INVALID_INPUT", http: { status: 400 } },
  });

export function controlCharacterGuard<T extends object>(): ApolloServerPlugin<T> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const inVariables = findControlCharacter(request.variables ?? {}, "variables");
          if (inVariables) throw refuse(inVariables);
          const literal = inDocument(document);
          if (literal) throw refuse(literal);
        },
      };
    },
  };
}
