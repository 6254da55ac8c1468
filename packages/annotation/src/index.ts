export { cellOntology, markerDatabase, CAS_SCHEMA } from "./reference.ts";
export { CellOntology, CellOntologyIdError, CL_ID, type CellType, type CellTypeMatch, type StoredOntology } from "./ontology/ontology.ts";
export { normalizeName } from "./ontology/names.ts";
export { MarkerDatabase, type CellTypeMarkers, type MarkerQuery } from "./markers/database.ts";
export { ORGANISMS, type Organism, type MarkerSource } from "./markers/types.ts";
export { suggestCellTypes, suggestForClusters, type MarkerStat, type SuggestOptions, type Suggestion, type GeneEvidence } from "./suggest/suggest.ts";
export { guessOrganism, type OrganismGuess } from "./organism.ts";
export { buildCas, validateCas, readCas, formatPerson, personEmail, CAS_LABELSETS, CAS_SCHEMA_VERSION } from "./cas/cas.ts";
export type { CasDocument, CasAnnotation, CasImportedAnnotation, CasDocumentInput, CasProposalInput, CasReviewInput, CasAutomatedInput, CasPerson } from "./cas/cas.ts";
