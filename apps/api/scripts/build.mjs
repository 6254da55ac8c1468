// Bundles the API (with its in-process worker) to dist/main.js and copies the SDL files beside it.
import { cp } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleApp } from "../../../packages/config/esbuild.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
await bundleApp({ entryPoints: { main: join(root, "src/main.ts") }, outdir: join(root, "dist") });
await cp(join(root, "src/schema"), join(root, "dist/schema"), { recursive: true, filter: (src) => !src.endsWith(".ts") });
