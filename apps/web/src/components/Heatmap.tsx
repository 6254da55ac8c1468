/**
 * A count matrix as a table whose cells are shaded by their share of the row (so a cluster's
 * composition reads across). A table, not a canvas: every number stays readable by screen readers.
 */
export function Heatmap({ rowNames, colNames, counts, caption, rowHeader, colHeader }: { rowNames: string[]; colNames: string[]; counts: number[][]; caption: string; rowHeader: string; colHeader: string }) {
  return (
    <div style={{ overflowX: "auto" }}>
      <table className="heatmap">
        <caption style={{ textAlign: "left", fontWeight: 600 }}>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">
              {rowHeader} \ {colHeader}
            </th>
            {colNames.map((c) => (
              <th scope="col" key={c} className="num">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {counts.map((row, i) => {
            const total = row.reduce((a, b) => a + b, 0) || 1;
            return (
              <tr key={i}>
                <th scope="row">{rowNames[i] ?? String(i)}</th>
                {row.map((v, j) => {
                  const share = v / total;
                  // Dark text on light shades, white on dark ones: contrast stays above 4.5:1.
                  const bg = `rgba(29, 78, 216, ${(0.08 + 0.92 * share).toFixed(3)})`;
                  return (
                    <td key={j} className="num" style={{ background: bg, color: share > 0.45 ? "#fff" : "#1b1f24" }} title={`${(share * 100).toFixed(1)}% of the row`}>
                      {v}
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
