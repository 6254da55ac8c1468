export { createApi, type Api, type ApiOptions, MAX_GRAPHQL_BODY } from "./server.ts";
export { readEnv, apiEnvSchema, apiOnlyEnvSchema, type ApiEnv } from "./env.ts";
export { seedDemo } from "./demo.ts";
export { queryLimits, FIELD_WEIGHTS } from "./limits.ts";
export { loadTypeDefs } from "./schema/index.ts";
