"use client";
/** A dataset's organism (which marker databases' species its suggestions use), editable by those who may. */
import { useState } from "react";
import { errorMessage, gql, unwrap, type UserError } from "../graphql/client";
import { SET_DATASET_ORGANISM, type Organism } from "../graphql/operations";

export function OrganismField({ datasetId, organism, canEdit }: { datasetId: string; organism: Organism | null; canEdit: boolean }) {
  const [value, setValue] = useState<Organism | "">(organism ?? "");
  const [error, setError] = useState<string | null>(null);
  if (!canEdit) return <>{organism?.toLowerCase() ?? "not known"}</>;
  return (
    <>
      <select
        aria-label="Organism"
        data-testid="dataset-organism"
        value={value}
        onChange={(e) => {
          const next = e.target.value as Organism;
          setError(null);
          gql<{ setDatasetOrganism: { errors: UserError[] } }>(SET_DATASET_ORGANISM, { input: { datasetId, organism: next } })
            .then((d) => {
              unwrap(d.setDatasetOrganism);
              setValue(next);
            })
            .catch((err: unknown) => setError(errorMessage(err)));
        }}
      >
        {value === "" ? <option value="">not known: choose</option> : null}
        <option value="HUMAN">human</option>
        <option value="MOUSE">mouse</option>
        <option value="OTHER">other</option>
      </select>
      {error ? <span className="alert"> {error}</span> : null}
    </>
  );
}
