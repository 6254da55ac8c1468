/** The messages between the worker and its trainer process (`train-child.ts`), both ways. */
import type { RunPhase } from "@scfnccl/db";
import type { tl } from "@scfnccl/engine";
import type { ComputeInput, ComputeResult } from "./compute.ts";

export interface WireError {
  message: string;
  stack?: string;
  /** Set for the engine's InputError (bad input: the run fails without a retry). */
  input?: { problem: string; file?: string };
}

export type ChildMessage =
  | { type: "ready"; backend: { name: string; detail: string } }
  | { type: "phase"; phase: RunPhase; phaseProgress?: number }
  | { type: "epoch"; stats: tl.EpochStats }
  | { type: "checkpoint"; path: string; epoch: number }
  | { type: "done"; result: ComputeResult }
  | { type: "error"; error: WireError };

export type ParentMessage = { type: "run"; input: ComputeInput } | { type: "checkpointed"; epoch: number };
