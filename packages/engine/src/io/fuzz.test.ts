/**
 * Fuzzing the readers with a few hundred mutated copies of the shared files: bytes flipped, ranges
 * overwritten, files truncated, HDF5 elements or attributes removed, text lines dropped, files of a 10x
 * folder deleted. Every read must end in an InputError or in a dataset that is internally consistent;
 * anything else (another error type, a crash of the HDF5 library) fails with the case to replay it.
 * Seeded, so every run tries the same cases; FUZZ_VERBOSE=1 prints each case's outcome and each source's time.
 */
import { copyFileSync, cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import h5wasm from "h5wasm/node";
import type { Group as H5Group } from "h5wasm/node";
import { afterAll, describe, expect, it } from "vitest";
import { InputError } from "../errors.ts";
import { createRng, type Rng } from "../random.ts";
import { isH5Group } from "./h5elements.ts";
import { isH5Dataset, loadH5wasm } from "./hdf5.ts";
import { readDataset, type Dataset } from "./index.ts";
import { makeTempDir, writeH5 } from "./testFiles.ts";
import { sharedData } from "../test-support/sharedData.ts";

const DATA = sharedData() + "/";
const tmp = makeTempDir("scfnccl-fuzz-");
afterAll(() => tmp.cleanup());

/** Consistency a successful read must have, whatever the file said. */
function consistencyProblem(d: Dataset): string | undefined {
  const m = d.counts;
  if (m.nRows <= 0 || m.nCols <= 0) return `empty matrix ${m.nRows} × ${m.nCols}`;
  if (d.cells.length !== m.nRows || d.genes.length !== m.nCols) return "names do not match the matrix";
  if (new Set(d.cells).size !== d.cells.length || new Set(d.genes).size !== d.genes.length) return "duplicate names";
  if (d.labels && d.labels.length !== m.nRows) return "labels do not match the cells";
  if (m.indptr.length !== m.nRows + 1 || m.indptr[0] !== 0 || m.indptr[m.nRows] !== m.data.length || m.indices.length !== m.data.length) return "bad indptr";
  for (let r = 0; r < m.nRows; r++) {
    let prev = -1;
    for (let k = m.indptr[r]!; k < m.indptr[r + 1]!; k++) {
      const c = m.indices[k]!;
      const v = m.data[k]!;
      if (c <= prev || c >= m.nCols) return `bad column ${c} in row ${r}`;
      if (!(v > 0 && v < Infinity)) return `bad value ${v} in row ${r}`;
      prev = c;
    }
  }
  return undefined;
}

function flipBytes(bytes: Uint8Array, rng: Rng): string {
  const n = 1 + rng.int(8);
  for (let i = 0; i < n; i++) bytes[rng.int(bytes.length)]! ^= 1 + rng.int(255);
  return `flip ${n} bytes`;
}

function overwriteRange(bytes: Uint8Array, rng: Rng): string {
  const len = 16 + rng.int(4096);
  const start = rng.int(Math.max(1, bytes.length - len));
  const value = rng.int(2) ? 0 : 0xff;
  bytes.fill(value, start, start + len);
  return `fill ${len} bytes at ${start} with ${value}`;
}

/** Copies an HDF5 file element by element, leaving out one element or one attribute. */
async function copyH5Without(src: string, dst: string, rng: Rng): Promise<string> {
  await loadH5wasm();
  const from = new h5wasm.File(src, "r");
  const paths = from.paths();
  const attrOwners = ["/", ...paths];
  const dropElement = rng.int(2) === 0;
  const skip = dropElement ? paths[rng.int(paths.length)]! : undefined;
  const owner = attrOwners[rng.int(attrOwners.length)]!;
  const ownerEntity = owner === "/" ? from : from.get(owner);
  const ownerAttrs = ownerEntity && "attrs" in ownerEntity ? Object.keys(ownerEntity.attrs) : [];
  const skipAttr = !dropElement && ownerAttrs.length ? `${owner}@${ownerAttrs[rng.int(ownerAttrs.length)]}` : undefined;
  const to = new h5wasm.File(dst, "w");
  try {
    const copyAttrs = (path: string, source: H5Group | NonNullable<ReturnType<H5Group["get"]>>, target: { create_attribute: H5Group["create_attribute"] }) => {
      if (!("attrs" in source)) return;
      for (const [name, attr] of Object.entries(source.attrs)) {
        if (`${path}@${name}` === skipAttr) continue;
        const value = attr.value;
        if (value === null) continue;
        target.create_attribute(name, value as Parameters<H5Group["create_attribute"]>[1]);
      }
    };
    copyAttrs("/", from, to);
    const walk = (source: H5Group, target: H5Group) => {
      for (const key of source.keys()) {
        const child = source.get(key);
        const path = `${source.path === "/" ? "" : source.path}/${key}`;
        if (path === skip) continue;
        if (isH5Group(child)) {
          const g = target.create_group(key);
          copyAttrs(path, child, g);
          walk(child, g);
        } else if (isH5Dataset(child)) {
          const value = child.value;
          if (value === null) continue;
          const ds = target.create_dataset({ name: key, data: value as Parameters<H5Group["create_dataset"]>[0]["data"], shape: child.shape });
          copyAttrs(path, child, ds);
        }
      }
    };
    walk(from, to);
  } finally {
    to.close();
    from.close();
  }
  return skip ? `without element ${skip}` : `without attribute ${skipAttr ?? "(none)"}`;
}

function dropLines(bytes: Uint8Array, gz: boolean, rng: Rng): Uint8Array {
  const text = Buffer.from(gz ? gunzipSync(bytes) : bytes).toString("utf8").split("\n");
  const n = 1 + rng.int(3);
  for (let i = 0; i < n; i++) text.splice(rng.int(text.length), 1);
  const out = Buffer.from(text.join("\n"));
  return gz ? gzipSync(out) : out;
}

interface Source {
  name: string;
  path: string;
  cases: number;
  hdf5?: boolean;
  folder?: boolean;
  options?: Parameters<typeof readDataset>[1];
}

/**
 * The text sources are cut down (the 10x folder to its first 40 cells, the CSV to its first 2000
 * genes, both still written by the reference tools' conventions) so hundreds of cases fit in CI time;
 * reading the full text files costs ~0.3 s each.
 */
function smallTextSources(): { tenx: string; csv: string } {
  const tenx = tmp.path("tenx-40-cells");
  mkdirSync(tenx);
  const src = `${DATA}formats/CellBench_sc_dropseq_10x`;
  const mtx = gunzipSync(readFileSync(`${src}/matrix.mtx.gz`)).toString("utf8").split("\n");
  const headerEnd = mtx.findIndex((l) => !l.startsWith("%"));
  const [nGenes] = mtx[headerEnd]!.split(" ");
  const entries = mtx.slice(headerEnd + 1).filter((l) => l !== "" && Number(l.split(" ")[1]) <= 40);
  const small = [...mtx.slice(0, headerEnd), `${nGenes} 40 ${entries.length}`, ...entries, ""].join("\n");
  writeFileSync(`${tenx}/matrix.mtx.gz`, gzipSync(small));
  copyFileSync(`${src}/features.tsv.gz`, `${tenx}/features.tsv.gz`);
  const barcodes = gunzipSync(readFileSync(`${src}/barcodes.tsv.gz`)).toString("utf8").split("\n").slice(0, 40);
  writeFileSync(`${tenx}/barcodes.tsv.gz`, gzipSync(`${barcodes.join("\n")}\n`));
  writeFileSync(`${tenx}/labels.csv`, `${readFileSync(`${src}/labels.csv`, "utf8").split("\n").slice(0, 41).join("\n")}\n`);
  const csv = tmp.path("dropseq-2000-genes.csv.gz");
  const lines = gunzipSync(readFileSync(`${DATA}CellBench_sc_dropseq.count.csv.gz`)).toString("utf8").split("\n");
  writeFileSync(csv, gzipSync(`${lines.slice(0, 2001).join("\n")}\n`));
  return { tenx, csv };
}

function sources(): Source[] {
  const { tenx, csv } = smallTextSources();
  return [
    { name: "dense h5ad", path: `${DATA}formats/10X_PBMC_top2000_dense.h5ad`, cases: 60, hdf5: true },
    { name: "CSR h5ad", path: `${DATA}formats/CellBench_sc_celseq2.h5ad`, cases: 40, hdf5: true },
    { name: "X/Y HDF5", path: `${DATA}mouse_bladder_cell_top2000.h5`, cases: 60, hdf5: true },
    { name: "10x folder", path: tenx, cases: 80, folder: true },
    { name: "CSV", path: csv, cases: 60, options: { labelsFile: `${DATA}CellBench_sc_dropseq.metadata.csv.gz`, labelKey: "cell_line_demuxlet" } },
  ];
}

async function mutate(source: Source, caseNo: number, rng: Rng): Promise<{ path: string; what: string }> {
  if (source.folder) {
    const dir = tmp.path(`case-${source.name.replace(/\W/g, "")}-${caseNo}`);
    cpSync(source.path, dir, { recursive: true });
    const files = readdirSync(dir).sort();
    const file = files[rng.int(files.length)]!;
    const target = join(dir, file);
    const kind = rng.int(4);
    if (kind === 0) {
      rmSync(target);
      return { path: dir, what: `removed ${file}` };
    }
    const bytes = new Uint8Array(readFileSync(target));
    const gz = file.endsWith(".gz");
    let what: string;
    let out: Uint8Array = bytes;
    if (kind === 1) what = flipBytes(bytes, rng);
    else if (kind === 2) {
      const at = rng.int(bytes.length);
      out = bytes.subarray(0, at);
      what = `truncated at ${at}`;
    } else {
      out = dropLines(bytes, gz, rng);
      what = "dropped lines";
    }
    writeFileSync(target, out);
    return { path: dir, what: `${file}: ${what}` };
  }
  const path = tmp.path(`case-${source.name.replace(/\W/g, "")}-${caseNo}`);
  const kind = source.hdf5 ? rng.int(4) : rng.int(3);
  if (source.hdf5 && kind === 3) return { path, what: await copyH5Without(source.path, path, rng) };
  const bytes = new Uint8Array(readFileSync(source.path));
  if (kind === 0) {
    const what = flipBytes(bytes, rng);
    writeFileSync(path, bytes);
    return { path, what };
  }
  if (kind === 1) {
    const at = rng.int(bytes.length);
    writeFileSync(path, bytes.subarray(0, at));
    return { path, what: `truncated at ${at}` };
  }
  if (!source.hdf5) {
    writeFileSync(path, dropLines(bytes, true, rng));
    return { path, what: "dropped lines" };
  }
  const what = overwriteRange(bytes, rng);
  writeFileSync(path, bytes);
  return { path, what };
}

describe("fuzzing the readers with mutated shared files", () => {
  it("gives an InputError or a consistent dataset for every mutation, and the HDF5 library still works after", async () => {
    const rng = createRng(20261125);
    const failures: string[] = [];
    const outcomes = { inputError: 0, read: 0 };
    let slowest = { seconds: 0, label: "" };
    const SOURCES = sources();
    for (const source of SOURCES) {
      const started = performance.now();
      for (let i = 0; i < source.cases; i++) {
        const { path, what } = await mutate(source, i, rng);
        const label = `${source.name} case ${i} (${what})`;
        const caseStarted = performance.now();
        try {
          const d = await readDataset(path, source.options);
          const problem = consistencyProblem(d);
          if (problem) failures.push(`${label}: read with ${problem}`);
          else outcomes.read++;
        } catch (e) {
          if (process.env.FUZZ_VERBOSE) console.log(label, String(e).slice(0, 200));
          if (e instanceof InputError && !e.message.includes("\n")) outcomes.inputError++;
          else failures.push(`${label}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`.slice(0, 400));
        }
        const seconds = (performance.now() - caseStarted) / 1000;
        if (seconds > slowest.seconds) slowest = { seconds, label };
        rmSync(path, { recursive: true, force: true });
      }
      if (process.env.FUZZ_VERBOSE) console.log(`${source.name}: ${source.cases} cases in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    expect(failures).toEqual([]);
    // No mutation sends a reader into a long loop: the slowest case stays near a normal read's time.
    expect(slowest.seconds, slowest.label).toBeLessThan(5);
    expect(outcomes.inputError + outcomes.read).toBe(SOURCES.reduce((n, s) => n + s.cases, 0));
    // Both outcomes occur: the mutations are neither all fatal nor all harmless.
    expect(outcomes.inputError).toBeGreaterThan(50);
    expect(outcomes.read).toBeGreaterThan(10);
    // A corrupt file must not leave h5wasm unusable for the next, good one.
    const ok = tmp.path("ok.h5");
    copyFileSync(`${DATA}mouse_bladder_cell_top2000.h5`, ok);
    expect((await readDataset(ok)).counts.nRows).toBe(2746);
    mkdirSync(tmp.path("after"), { recursive: true });
    const small = await writeH5(tmp.path("after/x.h5"), [{ name: "X", data: new Float32Array([1, 2, 3, 4]), shape: [2, 2] }]);
    expect((await readDataset(small)).counts.nRows).toBe(2);
  });
});
