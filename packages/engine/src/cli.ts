#!/usr/bin/env node
/** The `scfnccl` command; everything it does is in cli/main.ts. */
import { releaseBackend } from "./backend.ts";
import { main } from "./cli/main.ts";

try {
  process.exitCode = await main(process.argv.slice(2));
} finally {
  // Dawn's GPU object would keep the process alive after the run.
  releaseBackend();
}
