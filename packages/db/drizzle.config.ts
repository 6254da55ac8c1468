import { defineConfig } from "drizzle-kit";

// `pnpm --filter @scfnccl/db generate` writes a new versioned migration after a schema change.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/schema/index.ts",
  out: "./migrations",
});
