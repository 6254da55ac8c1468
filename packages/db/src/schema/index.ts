export * from "./auth.ts";
export * from "./teams.ts";
export * from "./datasets.ts";
export * from "./runs.ts";
export * from "./annotations.ts";
export * from "./audit.ts";
export * from "./rateLimits.ts";
