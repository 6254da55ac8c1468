/**
 * The embedded setup's demo: a user, a team and the PBMC dataset, so a fresh `pnpm platform` is
 * ready to train. Idempotent: does nothing once the demo user exists.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { eq, memberships, users } from "@scfnccl/db";
import { createContext, type Deps } from "./context.ts";
import { ingestDataset } from "./services/datasets.ts";
import { signUp } from "./services/auth.ts";

export async function seedDemo(deps: Deps, options: { email: string; password: string; datasetPath: string }): Promise<void> {
  const db = deps.db.db;
  const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.email, options.email));
  if (existing) return;
  const base = { log: deps.log, clientAddress: "demo" };
  const user = await signUp(createContext(deps, { viewer: null, ...base }), { email: options.email, password: options.password, name: "Demo user", teamName: "Demo team" });
  const [team] = await db.select().from(memberships).where(eq(memberships.userId, user.id));
  if (!existsSync(options.datasetPath)) {
    deps.log.warn({ path: options.datasetPath }, "demo dataset not found; the demo team starts empty");
    return;
  }
  const bytes = await readFile(options.datasetPath);
  const ctx = createContext(deps, { viewer: { userId: user.id }, ...base });
  await ingestDataset(ctx, {
    teamId: team!.teamId,
    name: "10X_PBMC_top2000.h5",
    path: options.datasetPath,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    sizeBytes: bytes.length,
  });
  deps.log.info({ email: options.email }, "demo user, team and dataset created");
}
