// Bundles the engine's entry points to dist/ with esbuild (~0.2 s). Running the CLI through a
// TypeScript loader instead re-transforms h5wasm's 4 MB module on every start (~12 s).
import { build } from "esbuild";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
await build({
  entryPoints: {
    cli: join(root, "src/cli.ts"),
    "bench-quality": join(root, "bench/quality.ts"),
    "bench-matmul": join(root, "bench/matmul.ts"),
    "bench-trajectory": join(root, "bench/trajectory.ts"),
    "bench-speed": join(root, "bench/speed.ts"),
    "bench-io": join(root, "bench/io.ts"),
    "bench-scale": join(root, "bench/scale.ts"),
    "bench-methods": join(root, "bench/methods.ts"),
  },
  outdir: join(root, "dist"),
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: true,
  logLevel: "warning",
});
