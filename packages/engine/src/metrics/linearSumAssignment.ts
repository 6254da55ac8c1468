import { InputError } from "../errors.ts";

/** An optimal assignment: row `rowInd[t]` goes to column `colInd[t]`; `rowInd` is ascending. */
export interface Assignment {
  rowInd: Int32Array;
  colInd: Int32Array;
}

/**
 * Solves the rectangular linear assignment problem like scipy's `linear_sum_assignment`:
 * each row is matched to at most one column and vice versa, min(rows, cols) pairs in all,
 * minimising (or with `maximize`, maximising) the total cost. `cost` is row-major [rows, cols].
 *
 * Hungarian method with row/column potentials and shortest augmenting paths (Jonker–Volgenant style),
 * O(r² c) for r ≤ c; a taller matrix is solved transposed.
 */
export function linearSumAssignment(
  cost: ArrayLike<number>,
  rows: number,
  cols: number,
  maximize = false,
): Assignment {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new InputError(`linearSumAssignment: rows and cols must be non-negative integers (got ${rows}, ${cols})`);
  }
  if (cost.length !== rows * cols) {
    throw new InputError(`linearSumAssignment: cost has ${cost.length} entries, expected rows × cols = ${rows * cols}`);
  }
  const transpose = rows > cols;
  // Work on an n × m matrix with n ≤ m, 1-based, minimising.
  const n = transpose ? cols : rows;
  const m = transpose ? rows : cols;
  const a = new Float64Array((n + 1) * (m + 1));
  const sign = maximize ? -1 : 1;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = cost[r * cols + c]!;
      if (!Number.isFinite(v)) throw new InputError(`linearSumAssignment: cost must be finite (got ${v} at [${r}, ${c}])`);
      const i = transpose ? c : r;
      const j = transpose ? r : c;
      a[(i + 1) * (m + 1) + (j + 1)] = sign * v;
    }
  }

  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const p = new Int32Array(m + 1); // p[j]: row matched to column j (0 = none)
  const way = new Int32Array(m + 1);
  const minv = new Float64Array(m + 1);
  const used = new Uint8Array(m + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    minv.fill(Infinity);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = p[j0]!;
      const row = i0 * (m + 1);
      const ui0 = u[i0]!;
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const cur = a[row + j]! - ui0 - v[j]!;
        if (cur < minv[j]!) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[p[j]!]! += delta;
          v[j]! -= delta;
        } else {
          minv[j]! -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0]!;
      p[j0] = p[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }

  // Collect pairs (original orientation), ascending by row.
  const pairs: [number, number][] = [];
  for (let j = 1; j <= m; j++) {
    const i = p[j]!;
    if (i === 0) continue;
    pairs.push(transpose ? [j - 1, i - 1] : [i - 1, j - 1]);
  }
  pairs.sort((x, y) => x[0] - y[0]);
  const rowInd = new Int32Array(pairs.length);
  const colInd = new Int32Array(pairs.length);
  pairs.forEach(([r, c], t) => {
    rowInd[t] = r;
    colInd[t] = c;
  });
  return { rowInd, colInd };
}
