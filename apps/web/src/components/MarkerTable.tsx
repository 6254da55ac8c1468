"use client";
/**
 * Marker genes of several groups in one table: sortable by any column, filtered as scanpy's
 * `filter_rank_genes_groups` (defaults on, thresholds editable, or off), searchable, and
 * downloadable as CSV (what is shown; `fullCsvUrl` for everything stored).
 */
import { useMemo, useState } from "react";
import { filterMarkers, formatP, MARKER_COLUMNS, markersCsv, SCANPY_FILTER, sortMarkers, type MarkerFilter, type MarkerKey, type MarkerRow } from "../plots/markers";

export function MarkerTable({ rows, caption, fileName, fullCsvUrl, idPrefix, maxRows = 500 }: { rows: MarkerRow[]; caption: string; fileName: string; fullCsvUrl?: string | null; idPrefix: string; maxRows?: number }) {
  const [filterOn, setFilterOn] = useState(true);
  const [filter, setFilter] = useState<MarkerFilter>(SCANPY_FILTER);
  const [search, setSearch] = useState("");
  const [sort, setSort] = useState<{ key: MarkerKey; dir: "asc" | "desc" } | null>(null);
  const shown = useMemo(() => {
    const f = filterMarkers(rows, filterOn ? filter : null, search);
    return sort ? sortMarkers(f, sort.key, sort.dir) : f;
  }, [rows, filterOn, filter, search, sort]);

  function download() {
    const url = URL.createObjectURL(new Blob([markersCsv(shown)], { type: "text/csv" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = fileName;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }
  const setBound = (k: keyof MarkerFilter, v: string) => {
    const x = Number(v);
    if (v !== "" && Number.isFinite(x)) setFilter((f) => ({ ...f, [k]: x }));
  };
  const toggleSort = (key: MarkerKey, numeric: boolean) =>
    setSort((s) => (s?.key === key ? { key, dir: s.dir === "asc" ? "desc" : "asc" } : { key, dir: numeric && key !== "rank" && key !== "pval" && key !== "pvalAdj" ? "desc" : "asc" }));

  return (
    <div data-testid={`${idPrefix}-markers`}>
      <div className="inline" role="group" aria-label="Marker table filter">
        <div className="field">
          <label htmlFor={`${idPrefix}-search`}>Search genes or groups</label>
          <input id={`${idPrefix}-search`} type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        </div>
        <label className="check">
          <input type="checkbox" checked={filterOn} onChange={(e) => setFilterOn(e.target.checked)} data-testid={`${idPrefix}-filter-on`} /> Filter as scanpy&apos;s filter_rank_genes_groups
        </label>
        {filterOn ? (
          <>
            <div className="field narrow">
              <label htmlFor={`${idPrefix}-min-in`}>min in-group fraction</label>
              <input id={`${idPrefix}-min-in`} type="number" step="0.05" min="0" max="1" defaultValue={filter.minInGroupFraction} onChange={(e) => setBound("minInGroupFraction", e.target.value)} />
            </div>
            <div className="field narrow">
              <label htmlFor={`${idPrefix}-max-out`}>max out-group fraction</label>
              <input id={`${idPrefix}-max-out`} type="number" step="0.05" min="0" max="1" defaultValue={filter.maxOutGroupFraction} onChange={(e) => setBound("maxOutGroupFraction", e.target.value)} />
            </div>
            <div className="field narrow">
              <label htmlFor={`${idPrefix}-min-fc`}>min fold change</label>
              <input id={`${idPrefix}-min-fc`} type="number" step="0.5" min="0" defaultValue={filter.minFoldChange} onChange={(e) => setBound("minFoldChange", e.target.value)} />
            </div>
          </>
        ) : null}
        <button type="button" className="secondary" onClick={download} disabled={!shown.length}>
          Download shown (CSV)
        </button>
        {fullCsvUrl ? (
          <a className="button secondary" href={fullCsvUrl} download>
            Every cluster, from the server (CSV)
          </a>
        ) : null}
      </div>
      <p className="muted" role="status">
        {shown.length.toLocaleString()} of {rows.length.toLocaleString()} markers shown{shown.length > maxRows ? ` (first ${maxRows} listed; the download has all)` : ""}.
      </p>
      <div style={{ maxHeight: "28rem", overflow: "auto" }}>
        <table data-testid={`${idPrefix}-marker-table`}>
          <caption className="sr-only">{caption}</caption>
          <thead>
            <tr>
              {MARKER_COLUMNS.map((c) => (
                <th key={c.key} scope="col" className={c.numeric ? "num" : undefined} aria-sort={sort?.key === c.key ? (sort.dir === "asc" ? "ascending" : "descending") : "none"}>
                  <button type="button" className="sort" onClick={() => toggleSort(c.key, c.numeric)}>
                    {c.title}
                    <span aria-hidden="true">{sort?.key === c.key ? (sort.dir === "asc" ? " ▲" : " ▼") : ""}</span>
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.slice(0, maxRows).map((m) => (
              <tr key={`${m.group}-${m.gene}`} data-group={m.group} data-gene={m.gene}>
                <td>{m.group}</td>
                <td className="num">{m.rank}</td>
                <td title={m.geneId && m.geneId !== m.gene ? m.geneId : undefined}>{m.gene}</td>
                <td className="num">{m.score.toFixed(2)}</td>
                <td className="num">{m.logFoldChange.toFixed(2)}</td>
                <td className="num">{(m.pts * 100).toFixed(0)}</td>
                <td className="num">{(m.ptsRest * 100).toFixed(0)}</td>
                <td className="num">{formatP(m.pval, m.log10Pval)}</td>
                <td className="num">{formatP(m.pvalAdj, m.log10PvalAdj)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
