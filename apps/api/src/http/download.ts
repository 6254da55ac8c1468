import type { ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import type { RequestContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { getArtifact } from "../services/results.ts";
import { sendAppError } from "./util.ts";

/** `GET /api/artifacts/:id`: streams a run's artifact from storage to a member of its team. */
export async function handleArtifactDownload(res: ServerResponse, id: string, ctx: RequestContext): Promise<void> {
  try {
    if (!ctx.viewer) throw new AppError("UNAUTHENTICATED", "sign in first");
    const artifact = await getArtifact(ctx, id);
    const body = await ctx.deps.store.get(artifact.storageKey);
    const file = artifact.storageKey.split("/").pop()!;
    res.writeHead(200, {
      "content-type": artifact.contentType,
      "content-length": artifact.sizeBytes,
      "content-disposition": `attachment; filename="${file}"`,
      "x-checksum-sha256": artifact.checksum,
    });
    await pipeline(body, res);
  } catch (err) {
    if (res.headersSent) res.destroy(err as Error);
    else sendAppError(res, err);
  }
}
