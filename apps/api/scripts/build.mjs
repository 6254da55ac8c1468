// Bundles the API (with its in-process worker) to dist/main.js, the worker's trainer process to
// dist/train-child.js (the embedded worker starts it from beside the bundle), and copies the SDL files.
import { cp } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleApp } from "../../../packages/config/esbuild.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
await bundleApp({ entryPoints: { main: join(root, "src/main.ts"), "train-child": join(root, "../worker/src/train-child.ts") }, outdir: join(root, "dist") });
await cp(join(root, "src/schema"), join(root, "dist/schema"), { recursive: true, filter: (src) => !src.endsWith(".ts") });
