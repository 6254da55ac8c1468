// Bundles the worker to dist/main.js and its trainer process to dist/train-child.js (~0.3 s);
// running them through a TypeScript loader instead re-transforms h5wasm's 4 MB module on every
// start (~12 s).
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleApp } from "../../../packages/config/esbuild.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
await bundleApp({ entryPoints: { main: join(root, "src/main.ts"), "train-child": join(root, "src/train-child.ts") }, outdir: join(root, "dist") });
