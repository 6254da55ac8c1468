import { randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { and, datasetGenes, datasets, eq, inArray, runs, type DatasetQc, type Rows } from "@scfnccl/db";
import { InputError, io } from "@scfnccl/engine";
import type { RequestContext } from "../context.ts";
import { hasControlCharacter } from "../inputs.ts";
import { AppError, conflict, invalid, notFound } from "../errors.ts";
import { assertCan, checkId, requireViewer } from "./access.ts";
import { audit } from "./audit.ts";
import { geneNamesOf, organismAtUpload } from "./cellTypes.ts";
import { datasetQc } from "./qc.ts";
import { keyset, pageSize, toConnection, type PageArgs } from "./pagination.ts";

export async function getDataset(ctx: RequestContext, idRaw: string) {
  const dataset = await ctx.loaders.dataset.load(checkId(idRaw, "dataset"));
  if (!dataset) throw notFound("dataset");
  await assertCan(ctx, dataset.teamId, "read", "dataset");
  return dataset;
}

export async function listDatasets(ctx: RequestContext, teamId: string, args: PageArgs) {
  await assertCan(ctx, teamId, "read", "team");
  const limit = pageSize(args);
  const { where, orderBy } = keyset(datasets, args);
  const rows = await ctx.deps.db.db
    .select()
    .from(datasets)
    .where(and(eq(datasets.teamId, teamId), where))
    .orderBy(...orderBy)
    .limit(limit + 1);
  for (const r of rows) ctx.loaders.dataset.prime(r.id, r);
  return toConnection(rows, limit);
}

export function validateDatasetName(raw: string | null | undefined): string {
  const name = (raw ?? "").trim();
  // "." and ".." name folders, not files; control characters break logs, CSV and file systems.
  if (!name || name.length > 200 || /[/\\\t\n\r]/.test(name) || hasControlCharacter(name) || /^\.+$/.test(name))
    throw invalid("dataset name must be 1-200 characters without slashes or control characters, and not . or ..", "name");
  return name;
}

/**
 * Admits an uploaded file: the engine's reader must accept it (else INVALID_DATASET and nothing is
 * stored), then the bytes go to object storage and the metadata to the database.
 */
export async function ingestDataset(ctx: RequestContext, input: { teamId: string; name: string; path: string; sha256: string; sizeBytes: number; organism?: string | null }) {
  const viewer = requireViewer(ctx);
  const teamId = checkId(input.teamId, "team");
  await assertCan(ctx, teamId, "write", "team");
  const name = validateDatasetName(input.name);
  // Checked before the file is read: a typo here should not cost a parse.
  if (input.organism) organismAtUpload(input.organism, []);
  let data;
  let format: string;
  try {
    data = await io.readDataset(input.path);
    // The reader accepted it, so the layout is one it knows (e.g. `scdeepcluster`).
    const detected = await io.detectFormat(input.path);
    format = detected.kind === "hdf5" ? `${(await io.detectHdf5Layout(input.path)).kind}-h5` : detected.kind;
  } catch (err) {
    if (err instanceof InputError) throw new AppError("INVALID_DATASET", `${name}: ${err.problem}`);
    throw err;
  }
  // Every method normalises by each cell's total: a matrix of zeros reads fine but every run on it
  // fails later, so it is refused here, where the user can still fix the file.
  if (!data.counts.data.some((v) => v !== 0)) throw new AppError("INVALID_DATASET", `${name}: every count is zero (${data.counts.nRows} cells × ${data.counts.nCols} genes); upload the raw counts`);
  const geneNames = geneNamesOf(data);
  const organism = organismAtUpload(input.organism, geneNames);
  const id = randomUUID();
  const key = `datasets/${id}/${name.replace(/[^\w.-]+/g, "_")}`;
  const put = await ctx.deps.store.put(key, createReadStream(input.path), { contentType: "application/octet-stream" });
  if (put.sha256 !== input.sha256) {
    await ctx.deps.store.delete(key);
    throw new Error("upload changed while being stored");
  }
  try {
    const [row] = await ctx.deps.db.db
      .insert(datasets)
      .values({
        id,
        teamId,
        name,
        format,
        cells: data.counts.nRows,
        genes: data.counts.nCols,
        labelColumns: data.labelKey && data.labels ? [data.labelKey] : [],
        checksum: put.sha256,
        sizeBytes: put.sizeBytes,
        storageKey: key,
        qc: datasetQc(data.counts),
        organism,
        uploaderId: viewer.userId,
      })
      .returning();
    await ctx.deps.db.db.insert(datasetGenes).values({ datasetId: id, ids: data.genes, names: geneNames });
    await audit(ctx.deps.db.db, { teamId, actorId: viewer.userId, action: "dataset.upload", targetType: "dataset", targetId: id, data: { name, sizeBytes: put.sizeBytes, organism, organismSaid: Boolean(input.organism) } });
    return row!;
  } catch (err) {
    await ctx.deps.store.delete(key);
    throw err;
  }
}

/** Deletes a dataset, its runs and every stored object of them (the uploader or an owner). */
export async function deleteDataset(ctx: RequestContext, idRaw: string): Promise<string> {
  const dataset = await getDataset(ctx, idRaw);
  const viewer = requireViewer(ctx);
  await assertCan(ctx, dataset.teamId, dataset.uploaderId === viewer.userId ? "write" : "manage", "dataset");
  const db = ctx.deps.db.db;
  const its = await db.select({ id: runs.id, status: runs.status }).from(runs).where(eq(runs.datasetId, dataset.id));
  if (its.some((r) => r.status === "queued" || r.status === "running")) throw conflict("the dataset has queued or running runs; cancel them first");
  await db.transaction(async (tx) => {
    if (its.length)
      await tx.delete(runs).where(
        inArray(
          runs.id,
          its.map((r) => r.id),
        ),
      );
    await tx.delete(datasets).where(eq(datasets.id, dataset.id));
    await audit(tx, { teamId: dataset.teamId, actorId: viewer.userId, action: "dataset.delete", targetType: "dataset", targetId: dataset.id });
  });
  // Objects go after the rows: a failure here leaves unreferenced bytes, never rows without bytes.
  for (const key of [dataset.storageKey, ...(await Promise.all(its.map((r) => ctx.deps.store.list(`runs/${r.id}/`)))).flat()]) {
    await ctx.deps.store.delete(key).catch((err: unknown) => ctx.log.warn({ err, key }, "could not delete object"));
  }
  return dataset.id;
}

// One computation per dataset at a time, however many requests ask.
const qcInFlight = new Map<string, Promise<DatasetQc | null>>();

/**
 * The dataset's QC; a dataset uploaded before QC existed gets it computed from its stored file once
 * (engine reader, same figures as at upload) and saved, so old data dirs need no migration step.
 */
export async function datasetQcOf(ctx: RequestContext, dataset: Rows["dataset"]): Promise<DatasetQc | null> {
  await assertCan(ctx, dataset.teamId, "read", "dataset");
  if (dataset.qc) return dataset.qc;
  let pending = qcInFlight.get(dataset.id);
  if (!pending) {
    pending = (async () => {
      const dir = await mkdtemp(join(tmpdir(), "scfnccl-qc-"));
      try {
        const path = join(dir, dataset.name.replace(/[^\w.-]+/g, "_") || "dataset");
        await pipeline(await ctx.deps.store.get(dataset.storageKey), createWriteStream(path));
        const qc = datasetQc((await io.readDataset(path)).counts);
        await ctx.deps.db.db.update(datasets).set({ qc }).where(eq(datasets.id, dataset.id));
        return qc;
      } catch (err) {
        ctx.log.warn({ err, datasetId: dataset.id }, "could not compute the dataset's QC");
        return null;
      } finally {
        await rm(dir, { recursive: true, force: true });
        qcInFlight.delete(dataset.id);
      }
    })();
    qcInFlight.set(dataset.id, pending);
  }
  return pending;
}
