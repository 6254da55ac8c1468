#!/usr/bin/env node
/** The `scfnccl` command; everything it does is in cli/main.ts. */
import { main } from "./cli/main.ts";

process.exitCode = await main(process.argv.slice(2));
