/**
 * A real S3-protocol server for tests: s3rver on 127.0.0.1 with a random port and a temp folder,
 * reached through the same `minio` client code as production.
 */
import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";

export interface TestS3Server {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  stop(): Promise<void>;
}

export async function startTestS3Server(): Promise<TestS3Server> {
  const dir = await mkdtemp(join(tmpdir(), "s3rver-"));
  const server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory: dir });
  const address = (await server.run()) as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    // s3rver's built-in credentials.
    accessKey: "S3RVER",
    secretKey: "S3RVER",
    async stop() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
