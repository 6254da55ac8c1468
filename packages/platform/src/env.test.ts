import { describe, expect, it } from "vitest";
import { parseEnv, platformEnvSchema } from "./env.ts";

describe("platform environment", () => {
  it("defaults to the embedded setup when nothing is configured", () => {
    const env = parseEnv(platformEnvSchema, {});
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.S3_ENDPOINT).toBeUndefined();
    expect(env).toMatchObject({ DATA_DIR: ".scfnccl-data", WORKER_CONCURRENCY: 1, STALE_AFTER_SECONDS: 60 });
  });

  it("lists every bad variable at once, treating empty values as unset", () => {
    expect(() => parseEnv(platformEnvSchema, { DATABASE_URL: "not a url", WORKER_CONCURRENCY: "0", BACKEND: "" })).toThrow(
      /^invalid environment:\n {2}DATABASE_URL: .*\n {2}WORKER_CONCURRENCY: .*$/,
    );
    expect(() => parseEnv(platformEnvSchema, { S3_ENDPOINT: "http://minio:9000", S3_ACCESS_KEY: "" })).toThrow(
      "S3_ACCESS_KEY: S3_ACCESS_KEY and S3_SECRET_KEY are required with S3_ENDPOINT",
    );
  });

  it("reads trusted proxies as a list (loopback by default, none for no proxy) and names a bad entry", () => {
    expect(parseEnv(platformEnvSchema, {}).TRUSTED_PROXIES).toEqual(["loopback"]);
    expect(parseEnv(platformEnvSchema, { TRUSTED_PROXIES: "none" }).TRUSTED_PROXIES).toEqual([]);
    expect(parseEnv(platformEnvSchema, { TRUSTED_PROXIES: "10.0.0.0/8, ::1, uniquelocal" }).TRUSTED_PROXIES).toEqual(["10.0.0.0/8", "::1", "uniquelocal"]);
    for (const bad of ["web", "10.0.0.0/33", "10.0.0.1/8/2"]) expect(() => parseEnv(platformEnvSchema, { TRUSTED_PROXIES: bad })).toThrow(/TRUSTED_PROXIES: TRUSTED_PROXIES must list/);
  });
});
