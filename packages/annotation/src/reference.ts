/**
 * The shipped reference data, loaded once per process on first use. The JSON files are imported
 * (not read from disk) so a bundled app carries them inside its bundle with no path to get wrong.
 */
import casSchemaJson from "../data/cas-schema.json" with { type: "json" };
import markersJson from "../data/markers.json" with { type: "json" };
import ontologyJson from "../data/cell-ontology.json" with { type: "json" };
import { MarkerDatabase } from "./markers/database.ts";
import type { StoredMarkers } from "./markers/types.ts";
import { CellOntology, type StoredOntology } from "./ontology/ontology.ts";

let ontology: CellOntology | undefined;
let markers: MarkerDatabase | undefined;

/** The Cell Ontology release shipped with this package. */
export function cellOntology(): CellOntology {
  return (ontology ??= new CellOntology(ontologyJson as unknown as StoredOntology));
}

/** PanglaoDB, CellMarker 2.0 and pegasus's sets, each name mapped to a CL id. */
export function markerDatabase(): MarkerDatabase {
  return (markers ??= new MarkerDatabase(markersJson as unknown as StoredMarkers));
}

/** The Cell Annotation Schema (JSON Schema draft-07) as shipped (see scripts/build-data.ts for its one correction). */
export const CAS_SCHEMA: object = casSchemaJson;
