/**
 * Errors services throw. Mutations turn them into payload `errors` (typed codes); queries into
 * GraphQL errors with the same code in `extensions.code`. Another team's object is NOT_FOUND, never
 * FORBIDDEN: whether it exists is itself something that team has not shared.
 */
export type ErrorCode = "NOT_FOUND" | "INVALID_INPUT" | "FORBIDDEN" | "UNAUTHENTICATED" | "CONFLICT" | "RATE_LIMITED" | "INVALID_DATASET" | "PAYLOAD_TOO_LARGE";

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new AppError("NOT_FOUND", `${what} not found`);
export const invalid = (message: string, field?: string) => new AppError("INVALID_INPUT", message, field);
export const forbidden = (message: string) => new AppError("FORBIDDEN", message);
export const unauthenticated = () => new AppError("UNAUTHENTICATED", "sign in first");
export const conflict = (message: string) => new AppError("CONFLICT", message);
