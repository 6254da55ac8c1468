/**
 * The Cell Annotation Schema (CAS, cellannotation/cell-annotation-schema) out and in. A run's
 * review becomes one document: labelset `accepted` holds each cluster's (or cell set's) accepted
 * label, labelset `proposed` every other proposal, so each cell has one label per labelset as CAS
 * asks; each annotation carries its cells, marker genes, rationale, reviews (verdict, reviewer,
 * time, explanation) and, for suggestions, `automated_annotation`. Platform facts CAS has no field
 * for (the cluster, the author, the proposal's id and time, the full evidence when longer than
 * CAS's 2,000-character rationale) go in `author_annotation_fields`, which CAS reserves for that.
 */
import { Ajv, type ErrorObject } from "ajv";
import addFormatsModule from "ajv-formats";
import { CAS_SCHEMA } from "../reference.ts";

export const CAS_LABELSETS = { accepted: "accepted", proposed: "proposed" } as const;
const RATIONALE_MAX = 2000;

export interface CasPerson {
  name: string;
  email: string;
}

export interface CasReviewInput {
  reviewer: CasPerson;
  verdict: "Agree" | "Disagree";
  explanation: string | null;
  at: Date;
}

export interface CasAutomatedInput {
  algorithmName: string;
  algorithmVersion: string;
  algorithmRepoUrl: string;
  /** Anything else worth keeping (score, matching genes, databases). */
  details?: Record<string, unknown>;
}

export interface CasProposalInput {
  proposalId: string;
  /** What the cells are in the platform: a cluster index or a cell set's name. */
  target: { cluster: number } | { cellSet: string };
  cellIds: string[];
  label: string;
  ontologyId: string | null;
  ontologyLabel: string | null;
  markerGenes: string[];
  evidence: string | null;
  author: CasPerson;
  createdAt: Date;
  accepted: boolean;
  reviews: CasReviewInput[];
  automated: CasAutomatedInput | null;
}

export interface CasDocumentInput {
  title: string;
  description?: string;
  /** The document's author (the person exporting). */
  author: CasPerson;
  /** Identifies the matrix the cell ids refer to (e.g. the dataset's checksum). */
  matrixFileId?: string;
  at: Date;
  proposals: CasProposalInput[];
}

/** A CAS document as written (the fields we use; CAS allows more). */
export interface CasDocument {
  matrix_file_id?: string;
  title: string;
  description?: string;
  cellannotation_schema_version?: string;
  cellannotation_timestamp?: string;
  author_name: string;
  author_contact?: string;
  labelsets: { name: string; description?: string; annotation_method?: "algorithmic" | "manual" | "both" }[];
  annotations: CasAnnotation[];
}

export interface CasAnnotation {
  labelset: string;
  cell_label: string;
  cell_fullname?: string;
  cell_ontology_term_id?: string;
  cell_ontology_term?: string;
  cell_ids?: string[];
  rationale?: string;
  marker_gene_evidence?: string[];
  reviews?: { datestamp: string; reviewer?: string; review?: "Agree" | "Disagree"; explanation?: string }[];
  author_annotation_fields?: Record<string, unknown>;
  automated_annotation?: { algorithm_name: string; algorithm_version: string; algorithm_repo_url: string; [k: string]: unknown };
}

/** "Ada Lovelace <ada@example.org>": a reviewer string that says who and how to find them. */
export const formatPerson = (p: CasPerson) => `${p.name} <${p.email}>`;
/** The email of a "Name <email>" string, or the string itself when it is an email. */
export function personEmail(s: string | undefined): string | null {
  if (!s) return null;
  const m = /<([^<>\s]+@[^<>\s]+)>\s*$/.exec(s) ?? /^\s*([^<>\s]+@[^<>\s]+)\s*$/.exec(s);
  return m ? m[1]!.toLowerCase() : null;
}

export const CAS_SCHEMA_VERSION = "b29d8ea0";

export function buildCas(input: CasDocumentInput): CasDocument {
  // Ordered by what the annotation is about (its first cell), not by cluster numbers, so two runs
  // that number the same clusters differently write their annotations in the same order.
  const firstCell = new Map(input.proposals.map((p) => [p, p.cellIds.reduce((m, c) => (m === null || c < m ? c : m), null as string | null) ?? ""]));
  const annotations = [...input.proposals]
    .sort(
      (a, b) =>
        Number(b.accepted) - Number(a.accepted) ||
        firstCell.get(a)!.localeCompare(firstCell.get(b)!) ||
        targetKey(a).localeCompare(targetKey(b), undefined, { numeric: true }) ||
        a.createdAt.getTime() - b.createdAt.getTime() ||
        a.proposalId.localeCompare(b.proposalId),
    )
    .map((p): CasAnnotation => {
      const evidence = p.evidence ?? "";
      return {
        labelset: p.accepted ? CAS_LABELSETS.accepted : CAS_LABELSETS.proposed,
        cell_label: p.label,
        cell_fullname: p.label,
        ...(p.ontologyId ? { cell_ontology_term_id: p.ontologyId } : {}),
        ...(p.ontologyId && p.ontologyLabel ? { cell_ontology_term: p.ontologyLabel } : {}),
        cell_ids: p.cellIds,
        ...(evidence ? { rationale: evidence.length > RATIONALE_MAX ? `${evidence.slice(0, RATIONALE_MAX - 1)}…` : evidence } : {}),
        marker_gene_evidence: p.markerGenes,
        reviews: [...p.reviews]
          .sort((a, b) => a.at.getTime() - b.at.getTime() || a.reviewer.email.localeCompare(b.reviewer.email))
          .map((r) => ({ datestamp: r.at.toISOString(), reviewer: formatPerson(r.reviewer), review: r.verdict, ...(r.explanation ? { explanation: r.explanation } : {}) })),
        author_annotation_fields: {
          ...("cluster" in p.target ? { scfnccl_cluster: p.target.cluster } : { scfnccl_cell_set: p.target.cellSet }),
          scfnccl_proposal_id: p.proposalId,
          author: formatPerson(p.author),
          created_at: p.createdAt.toISOString(),
          ...(evidence.length > RATIONALE_MAX ? { evidence } : {}),
        },
        ...(p.automated
          ? {
              automated_annotation: {
                algorithm_name: p.automated.algorithmName,
                algorithm_version: p.automated.algorithmVersion,
                algorithm_repo_url: p.automated.algorithmRepoUrl,
                ...(p.automated.details ?? {}),
              },
            }
          : {}),
      };
    });
  const anyAutomated = input.proposals.some((p) => p.automated);
  const method = anyAutomated && input.proposals.some((p) => !p.automated) ? "both" : anyAutomated ? "algorithmic" : "manual";
  return {
    ...(input.matrixFileId ? { matrix_file_id: input.matrixFileId } : {}),
    title: input.title,
    ...(input.description ? { description: input.description } : {}),
    cellannotation_schema_version: CAS_SCHEMA_VERSION,
    cellannotation_timestamp: input.at.toISOString(),
    author_name: input.author.name,
    author_contact: input.author.email,
    labelsets: [
      { name: CAS_LABELSETS.accepted, description: "The label the team accepted for each cluster and each cell set (a cell set may overlap clusters and other sets; its annotation names it in author_annotation_fields.scfnccl_cell_set).", annotation_method: method },
      { name: CAS_LABELSETS.proposed, description: "Every other proposal, with its reviews.", annotation_method: method },
    ],
    annotations,
  };
}

const targetKey = (p: CasProposalInput) => ("cluster" in p.target ? `c${p.target.cluster}` : `s${p.target.cellSet}`);

let validator: ReturnType<Ajv["compile"]> | undefined;
function compiled() {
  if (validator) return validator;
  const ajv = new Ajv({ allErrors: true, strict: false });
  // ajv-formats is CommonJS; its default export arrives wrapped under ESM.
  const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (a: Ajv) => Ajv;
  addFormats(ajv);
  return (validator = ajv.compile(CAS_SCHEMA));
}

/** Problems of a document against the shipped CAS schema, one line each ("" path = the document); empty when valid. */
export function validateCas(doc: unknown): string[] {
  const validate = compiled();
  if (validate(doc)) return [];
  return (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || "/"} ${e.message ?? "is invalid"}${e.params && "additionalProperty" in e.params ? ` ('${String(e.params.additionalProperty)}')` : ""}`);
}

/** One annotation of a CAS document, read back for import. */
export interface CasImportedAnnotation {
  index: number;
  labelset: string;
  /** In labelset `accepted`. */
  accepted: boolean;
  label: string;
  ontologyId: string | null;
  cellIds: string[];
  markerGenes: string[];
  /** The full evidence (author_annotation_fields.evidence when the rationale was cut), or null. */
  evidence: string | null;
  author: string | null;
  reviews: { reviewer: string | null; email: string | null; verdict: "Agree" | "Disagree"; explanation: string | null; at: Date }[];
  automated: CasAnnotation["automated_annotation"] | null;
  /** The platform cell set the annotation was about (author_annotation_fields.scfnccl_cell_set), or null. */
  cellSet: string | null;
}

/**
 * A CAS document's annotations as the import needs them; the document must validate against the
 * shipped schema (the problems otherwise, one line each, in `errors`).
 */
export function readCas(doc: unknown): { annotations: CasImportedAnnotation[]; errors: string[] } {
  const errors = validateCas(doc);
  if (errors.length) return { annotations: [], errors };
  const d = doc as CasDocument;
  const annotations = d.annotations.map((a, index): CasImportedAnnotation => {
    const fields = a.author_annotation_fields ?? {};
    const fullEvidence = typeof fields["evidence"] === "string" ? (fields["evidence"] as string) : null;
    return {
      index,
      labelset: a.labelset,
      accepted: a.labelset === CAS_LABELSETS.accepted,
      label: a.cell_label,
      ontologyId: a.cell_ontology_term_id ?? null,
      cellIds: a.cell_ids ?? [],
      markerGenes: a.marker_gene_evidence ?? [],
      evidence: fullEvidence ?? a.rationale ?? null,
      author: typeof fields["author"] === "string" ? (fields["author"] as string) : null,
      reviews: (a.reviews ?? []).flatMap((r) =>
        r.review ? [{ reviewer: r.reviewer ?? null, email: personEmail(r.reviewer), verdict: r.review, explanation: typeof r.explanation === "string" ? r.explanation : null, at: new Date(r.datestamp) }] : [],
      ),
      automated: a.automated_annotation ?? null,
      cellSet: typeof fields["scfnccl_cell_set"] === "string" && fields["scfnccl_cell_set"] ? (fields["scfnccl_cell_set"] as string) : null,
    };
  });
  return { annotations, errors: [] };
}
