/**
 * GraphQL over fetch, same origin (the web server proxies /graphql to the API, cookies included).
 * Queries throw `GqlError` with the API's `extensions.code`; mutations return payloads whose
 * `errors` the caller shows, and `unwrap` turns a non-empty list into a thrown `GqlError`.
 */
export interface UserError {
  code: string;
  message: string;
  field?: string | null;
}

export class GqlError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly field?: string | null,
    /** What a CONFLICT carries: the object as it is now. */
    readonly current?: unknown,
  ) {
    super(message);
    this.name = "GqlError";
  }
}

/**
 * An operation's text that carries its generated result type (a plain string at runtime), so
 * `gql(RUN)` is typed by the operation and `gql<Other>(RUN)` fails typecheck unless Other is a
 * subset of what RUN selects.
 */
export type Doc<Result> = string & { readonly __result?: Result };

export async function gql<T>(query: Doc<T>, variables: Record<string, unknown> = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch("/graphql", {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query, variables }),
    });
  } catch {
    throw new GqlError("The server cannot be reached. Check your connection and try again.", "NETWORK");
  }
  let body: { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
  try {
    body = (await res.json()) as typeof body;
  } catch {
    throw new GqlError(`The server answered ${res.status} without data.`, "BAD_RESPONSE");
  }
  const first = body.errors?.[0];
  if (first) throw new GqlError(first.message, first.extensions?.code ?? "INTERNAL");
  if (!body.data) throw new GqlError("The server answered without data.", "BAD_RESPONSE");
  return body.data;
}

/** The payload of a mutation, or a thrown `GqlError` made from its first user error. */
export function unwrap<P extends { errors: UserError[] }>(payload: P): P {
  const e = payload.errors[0];
  if (e) throw new GqlError(e.message, e.code, e.field, (payload as unknown as { current?: unknown }).current);
  return payload;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
