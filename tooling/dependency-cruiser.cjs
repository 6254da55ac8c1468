/**
 * The layering `pnpm lint` enforces (dependency-cruiser): apps import packages, never each other;
 * the engine knows no database, storage, platform or HTTP; the web reaches data only through the
 * API, so it imports no server package; the engine's folders are layered (neighbors < tl < nn <
 * methods); and no import cycles anywhere.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "An import cycle: move the shared type or function to the lower file.",
      from: {},
      to: { circular: true },
    },
    {
      name: "apps-not-apps",
      severity: "error",
      comment: "Apps import packages, never each other; only apps/api/src/main.ts may start an embedded worker.",
      from: { path: "^apps/([^/]+)/", pathNot: "^apps/api/src/main\\.ts$" },
      to: { path: "^apps/([^/]+)/", pathNot: "^apps/$1/" },
    },
    {
      name: "api-main-only-worker",
      severity: "error",
      comment: "apps/api/src/main.ts may import the worker, and no other app.",
      from: { path: "^apps/api/src/main\\.ts$" },
      to: { path: "^apps/", pathNot: "^apps/(api|worker)/" },
    },
    {
      name: "packages-not-apps",
      severity: "error",
      comment: "Packages sit below the apps.",
      from: { path: "^packages/" },
      to: { path: "^apps/" },
    },
    {
      name: "engine-pure",
      severity: "error",
      comment: "The engine knows no database, storage, platform or HTTP server.",
      from: { path: "^packages/engine/" },
      to: { path: ["^packages/(db|storage|platform)/", "^apps/"] },
    },
    {
      name: "engine-no-server-modules",
      severity: "error",
      comment: "The engine knows no database, storage or HTTP libraries.",
      from: { path: "^packages/engine/" },
      to: { dependencyTypes: ["npm", "npm-dev", "npm-optional", "npm-peer", "npm-no-pkg", "npm-unknown"], path: "node_modules/(pg|pg-boss|@electric-sql|drizzle-orm|minio|@apollo|socket\\.io|pino|prom-client)/" },
    },
    {
      name: "engine-layers",
      severity: "error",
      comment: "The engine's folders are layered: neighbors < tl, nn < methods; a lower folder never imports a higher one, and tl and nn, side by side, never each other (tests may use any layer).",
      from: { path: "^packages/engine/src/(neighbors|tl|nn)/", pathNot: "\\.test\\.ts$" },
      to: { path: "^packages/engine/src/(tl|nn|methods|cli)/", pathNot: "^packages/engine/src/$1/" },
    },
    {
      name: "web-no-server-packages",
      severity: "error",
      comment:
        "The web reaches data only through the API: of the workspace it imports only @scfnccl/platform/cells (browser-safe). The scatter bench's Node side is not the web app: it stands in for the API, serving gene columns as the API does (@scfnccl/platform/bench).",
      from: { path: "^apps/web/", pathNot: "^apps/web/bench/scatter\\.ts$" },
      to: { path: "^packages/", pathNot: "^packages/platform/src/cells\\.ts$" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(node_modules|dist|\\.next|\\.scfnccl-data|test-results)/" },
    tsPreCompilationDeps: true,
    combinedDependencies: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".json"],
      mainFields: ["module", "main", "types"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
