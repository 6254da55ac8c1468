/**
 * The embedded setup's demo: a user, a team and pbmc3k (10x's 3k PBMCs with gene symbols and the
 * Seurat tutorial's nine named cell types as the dataset column `cell_type`), so a fresh
 * `pnpm platform` is ready to train and to name cell types. Idempotent: does nothing once the demo
 * user exists.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { eq, memberships, users } from "@scfnccl/db";
import { io } from "@scfnccl/engine";
import { createContext, type Deps } from "./context.ts";
import { ingestDataset } from "./services/datasets.ts";
import { signUp } from "./services/auth.ts";
import { createTempDir } from "@scfnccl/platform";

/**
 * The demo folder (a 10x matrix folder plus `cell_types.csv`) as one h5ad, since a dataset is one
 * file: counts, the symbols in var `gene_symbols`, the labels in obs `cell_type` (the 62 cells the
 * tutorial's QC dropped are unlabelled).
 */
export async function demoH5ad(folder: string, out: string): Promise<void> {
  const data = await io.readDataset(folder, { labelsFile: join(folder, "cell_types.csv"), labelKey: "cell_type" });
  await io.writeH5ad(out, { counts: data.counts, cells: data.cells, genes: data.genes, obs: { cell_type: data.labels! }, var: { gene_symbols: data.geneColumns!["gene_symbols"]! } });
}

export async function seedDemo(deps: Deps, options: { email: string; password: string; datasetPath: string }): Promise<void> {
  const db = deps.db.db;
  const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.email, options.email));
  if (existing) return;
  const base = { log: deps.log, clientAddress: "demo" };
  const user = await signUp(createContext(deps, { viewer: null, ...base }), { email: options.email, password: options.password, name: "Demo user", teamName: "Demo team" }, { publishedPassword: true });
  const [team] = await db.select().from(memberships).where(eq(memberships.userId, user.id));
  if (!existsSync(options.datasetPath)) {
    deps.log.warn({ path: options.datasetPath }, "demo dataset not found; the demo team starts empty");
    return;
  }
  const dir = await createTempDir("demo");
  try {
    const path = join(dir, "pbmc3k.h5ad");
    await demoH5ad(options.datasetPath, path);
    const bytes = await readFile(path);
    const ctx = createContext(deps, { viewer: { userId: user.id }, ...base });
    await ingestDataset(ctx, {
      teamId: team!.teamId,
      name: "pbmc3k.h5ad",
      path,
      sha256: createHash("sha256").update(bytes).digest("hex"),
      sizeBytes: bytes.length,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  deps.log.info({ email: options.email }, "demo user, team and dataset created");
}
