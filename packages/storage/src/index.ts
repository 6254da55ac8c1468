export type { ObjectStore, PutResult, ObjectInfo } from "./types.ts";
export { createFilesystemStore } from "./filesystem.ts";
export { createS3Store, type S3Options } from "./s3.ts";
export { readAll } from "./readAll.ts";
