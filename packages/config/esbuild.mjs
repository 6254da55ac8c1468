// Bundling for the apps: workspace packages (TypeScript source) go into the bundle; every other
// package stays external but is pinned to the file it resolves to from the importing source file.
// pnpm gives each package only its own dependencies, so a bundle in apps/x/dist could not resolve
// e.g. h5wasm (a dependency of the engine, not of the app) by name at run time.
import { build } from "esbuild";

/** @type {import("esbuild").Plugin} */
const pinExternals = {
  name: "pin-externals",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.path.startsWith("@scfnccl/") || args.path.startsWith("node:") || args.pluginData?.pinning) return undefined;
      const resolved = await b.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, importer: args.importer, pluginData: { pinning: true } });
      if (resolved.errors.length) return { errors: resolved.errors };
      // Built-ins (fs, path, ...) resolve to themselves; keep them as they are.
      if (!resolved.path.startsWith("/")) return { path: args.path, external: true };
      return { path: resolved.path, external: true };
    });
  },
};

/** Bundles `entryPoints` ({ name: sourcePath }) into `outdir` as Node ESM with source maps. */
export async function bundleApp({ entryPoints, outdir }) {
  await build({
    entryPoints,
    outdir,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: true,
    logLevel: "warning",
    plugins: [pinExternals],
  });
}
