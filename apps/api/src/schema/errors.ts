import { GraphQLError } from "graphql";
import { AppError } from "../errors.ts";

import type { UserError } from "./types.generated.ts";

/** Runs a mutation's service call: AppErrors become the payload's typed `errors`, anything else is a server error. */
export async function payload<K extends string, T>(key: K, fn: () => Promise<T>): Promise<{ [P in K]: T | null } & { errors: UserError[] }> {
  try {
    const value = await fn();
    return { [key]: value, errors: [] } as { [P in K]: T | null } & { errors: UserError[] };
  } catch (err) {
    if (err instanceof AppError) return { [key]: null, errors: [{ code: err.code, message: err.message, field: err.field ?? null }] } as { [P in K]: T | null } & { errors: UserError[] };
    throw err;
  }
}

/** Runs a query's service call: AppErrors become GraphQL errors carrying the code. */
export async function query<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof AppError) throw new GraphQLError(err.message, { extensions: { code: err.code, field: err.field } });
    throw err;
  }
}
