/**
 * Streamed dataset upload: `POST /api/datasets?teamId=…&name=…` with the file as the body. The
 * bytes go to a temp file (hashed on the way, size-capped), the engine's reader validates it, and
 * only then does anything reach storage or the database.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { assertCan, checkId } from "../services/access.ts";
import { DuplicateDatasetError, ingestDataset, validateDatasetName } from "../services/datasets.ts";
import { receiveFile, sendJson, withUploadDir } from "./util.ts";

export function handleUpload(req: IncomingMessage, res: ServerResponse, url: URL, ctx: RequestContext): Promise<void> {
  return withUploadDir(
    req,
    res,
    "upload",
    async (dir) => {
      if (!ctx.viewer) throw new AppError("UNAUTHENTICATED", "sign in first");
      const teamId = checkId(url.searchParams.get("teamId") ?? "", "team");
      const name = validateDatasetName(url.searchParams.get("name"));
      // Refuse before reading a byte when the viewer may not upload here.
      await assertCan(ctx, teamId, "write", "team");
      const limit = ctx.deps.env.MAX_UPLOAD_MB * 1024 * 1024;
      const tooLarge = `uploads are limited to ${ctx.deps.env.MAX_UPLOAD_MB} MB`;
      const declared = Number(req.headers["content-length"] ?? "0");
      if (declared > limit) throw new AppError("PAYLOAD_TOO_LARGE", tooLarge);
      const { path, size, sha256 } = await receiveFile(req, dir, limit, tooLarge);
      if (size === 0) throw new AppError("INVALID_DATASET", `${name}: the upload is empty`);
      const allowDuplicate = url.searchParams.get("allowDuplicate") === "true";
      const dataset = await ingestDataset(ctx, { teamId, name, path, sha256, sizeBytes: size, organism: url.searchParams.get("organism"), allowDuplicate });
      sendJson(res, 201, {
        dataset: { id: dataset.id, name: dataset.name, cells: dataset.cells, genes: dataset.genes, checksum: dataset.checksum, sizeBytes: dataset.sizeBytes },
      });
    },
    (err) => {
      // A duplicate names the dataset the team already has, so the page can offer to open it.
      if (!(err instanceof DuplicateDatasetError)) return false;
      sendJson(res, 409, { errors: [{ code: err.code, message: err.message, field: err.field }], existing: err.existing });
      return true;
    },
  );
}
