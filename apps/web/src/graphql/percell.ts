/**
 * Per-cell columns of a run, one request each, in the cells file's order (`/api/runs/:id/cells`):
 * a gene's log1p-normalised expression (`/expression?gene=`) or a QC measure (`/obs?key=`), both
 * raw little-endian Float32 with one value per clustered cell.
 */
export const QC_KEYS = [
  { key: "total_counts", title: "Total counts" },
  { key: "n_genes_by_counts", title: "Genes detected" },
  { key: "pct_counts_mt", title: "% mitochondrial counts" },
] as const;
export type QcKey = (typeof QC_KEYS)[number]["key"];

export function parseFloat32Column(buffer: ArrayBuffer, n: number, what: string): Float32Array {
  if (buffer.byteLength !== n * 4) throw new Error(`${what}: ${buffer.byteLength} bytes for ${n} cells (expected ${n * 4})`);
  // Float32Array reads the platform's byte order; every browser platform is little-endian, but say so if not.
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error(`${what}: this browser is big-endian; the column is little-endian`);
  return new Float32Array(buffer);
}

async function fetchColumn(url: string, n: number, what: string): Promise<Float32Array> {
  const res = await fetch(url, { credentials: "same-origin" });
  if (!res.ok) {
    let reason = `HTTP ${res.status}`;
    try {
      const body = (await res.json()) as { errors?: { message: string }[] };
      if (body.errors?.[0]) reason = body.errors[0].message;
    } catch {
      // not JSON: the status says it
    }
    throw new Error(`${what} could not be loaded: ${reason}`);
  }
  return parseFloat32Column(await res.arrayBuffer(), n, what);
}

export function fetchExpression(runId: string, gene: string, n: number): Promise<Float32Array> {
  return fetchColumn(`/api/runs/${encodeURIComponent(runId)}/expression?gene=${encodeURIComponent(gene)}`, n, `The expression of ${gene}`);
}

export function fetchObs(runId: string, key: QcKey, n: number): Promise<Float32Array> {
  return fetchColumn(`/api/runs/${encodeURIComponent(runId)}/obs?key=${encodeURIComponent(key)}`, n, `The QC measure ${key}`);
}
