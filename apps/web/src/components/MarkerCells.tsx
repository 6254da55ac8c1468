import type { Marker } from "../graphql/operations";

/** The effect-size and test columns every marker table shows, in the same order and precision. */
export function MarkerHeaders() {
  return (
    <>
      <th scope="col" className="num">log2FC</th>
      <th scope="col" className="num">% in</th>
      <th scope="col" className="num">% out</th>
      <th scope="col" className="num">adj. p</th>
    </>
  );
}

export function MarkerCells({ marker: m }: { marker: Pick<Marker, "logFoldChange" | "pctIn" | "pctOut" | "pvalAdj"> }) {
  return (
    <>
      <td className="num">{m.logFoldChange.toFixed(2)}</td>
      <td className="num">{(m.pctIn * 100).toFixed(0)}</td>
      <td className="num">{(m.pctOut * 100).toFixed(0)}</td>
      <td className="num">{m.pvalAdj.toExponential(1)}</td>
    </>
  );
}
