import { join, resolve } from "node:path";
import { createDb, type DbClient } from "@scfnccl/db";
import { createFilesystemStore, createS3Store, type ObjectStore } from "@scfnccl/storage";
import type { PlatformEnv } from "./env.ts";

export interface Platform {
  db: DbClient;
  store: ObjectStore;
}

/** Opens the database (migrated) and the object store the environment names; embedded when it names none. */
export async function openPlatform(env: PlatformEnv): Promise<Platform> {
  const dataDir = resolve(env.DATA_DIR);
  const db = await createDb(env.DATABASE_URL ? { url: env.DATABASE_URL } : { dataDir: join(dataDir, "db") });
  await db.migrate();
  const store =
    env.S3_ENDPOINT && env.S3_ACCESS_KEY && env.S3_SECRET_KEY
      ? await createS3Store({
          endpoint: env.S3_ENDPOINT,
          accessKey: env.S3_ACCESS_KEY,
          secretKey: env.S3_SECRET_KEY,
          bucket: env.S3_BUCKET,
          region: env.S3_REGION,
        })
      : createFilesystemStore(join(dataDir, "objects"));
  return { db, store };
}
