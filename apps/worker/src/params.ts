import { z } from "zod";

/**
 * Training parameters a user may set on a run (the engine's option names). Bounds keep one run
 * from monopolising a worker by accident; defaults are the engine's.
 */
export const runParamsSchema = z
  .object({
    epochs: z.number().int().min(1).max(2000).optional(),
    k: z.number().int().min(2).max(500).optional(),
    batchSize: z.number().int().min(2).max(4096).optional(),
    learningRate: z.number().positive().max(10).optional(),
    temperature: z.number().positive().max(10).optional(),
    phi: z.number().min(-1).max(1).optional(),
    nTopGenes: z.number().int().min(10).max(50_000).optional(),
  })
  .strict();

export type RunParams = z.infer<typeof runParamsSchema>;

export const METHODS = ["scfnccl"] as const;
export type Method = (typeof METHODS)[number];
