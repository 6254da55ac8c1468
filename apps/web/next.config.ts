import type { NextConfig } from "next";

// The API is reached through server.mjs's proxy (same origin), so nothing here depends on where
// the API runs: one build serves any API_URL.
const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The per-cell results codec is shared with the worker as TypeScript source.
  transpilePackages: ["@scfnccl/platform"],
  // `pnpm typecheck` checks apps/web with the rest of the repository; the build need not repeat it.
  typescript: { ignoreBuildErrors: true },
};

export default config;
