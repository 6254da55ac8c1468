import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/*/src/**/*.test.ts", "packages/*/bench/**/*.test.ts", "apps/*/src/**/*.test.ts", "test/**/*.test.ts"],
    // Training tests are CPU-bound on a 2-core machine; running files in parallel only thrashes.
    fileParallelism: false,
    // Starts a PostgreSQL server for the integration tests when none answers at TEST_PG_URL.
    globalSetup: ["test/support/postgres.global.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
