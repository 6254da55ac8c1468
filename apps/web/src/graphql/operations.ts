/** The client's GraphQL operations and the shapes they return (the SDL in apps/api/src/schema is the truth). */

export type Role = "OWNER" | "EDITOR" | "VIEWER";
export type RunStatus = "QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELLED";

export interface UserRef {
  id: string;
  name: string;
  email: string;
}

export const VIEWER = /* GraphQL */ `
  query Viewer {
    viewer { id name email memberships { role team { id name } } }
  }
`;
export interface ViewerData {
  viewer: (UserRef & { memberships: { role: Role; team: { id: string; name: string } }[] }) | null;
}

export const SIGN_IN = /* GraphQL */ `
  mutation SignIn($email: String!, $password: String!) {
    signIn(email: $email, password: $password) { user { id name } errors { code message field } }
  }
`;
export const SIGN_UP = /* GraphQL */ `
  mutation SignUp($input: SignUpInput!) {
    signUp(input: $input) { user { id name } errors { code message field } }
  }
`;
export const SIGN_OUT = /* GraphQL */ `
  mutation SignOut { signOut }
`;

export const TEAMS = /* GraphQL */ `
  query Teams {
    teams { id name viewerRole createdAt members { role user { id } } }
  }
`;
export interface TeamsData {
  teams: { id: string; name: string; viewerRole: Role; createdAt: string; members: { role: Role; user: { id: string } }[] }[];
}
export interface ApiTokenRow {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}
export interface ApiTokensData {
  apiTokens: ApiTokenRow[];
}
export const API_TOKENS = /* GraphQL */ `
  query ApiTokens { apiTokens { id name prefix createdAt lastUsedAt } }
`;
export const CREATE_API_TOKEN = /* GraphQL */ `
  mutation CreateApiToken($name: String!) { createApiToken(name: $name) { apiToken { id } secret errors { code message field } } }
`;
export const REVOKE_API_TOKEN = /* GraphQL */ `
  mutation RevokeApiToken($id: ID!) { revokeApiToken(id: $id) { deletedId errors { code message field } } }
`;

export const CHANGE_PASSWORD = /* GraphQL */ `
  mutation ChangePassword($current: String!, $next: String!) { changePassword(currentPassword: $current, newPassword: $next) { user { id } errors { code message field } } }
`;
export const CREATE_TEAM = /* GraphQL */ `
  mutation CreateTeam($name: String!) { createTeam(name: $name) { team { id name } errors { code message field } } }
`;

export const RUN_FIELDS = /* GraphQL */ `
  fragment RunRow on Run {
    id method status seed createdAt finishedAt params
    dataset { id name }
    createdBy { id name }
    progress { epoch epochs }
    metrics { acc nmi ari k }
  }
`;
export interface RunRow {
  id: string;
  method: string;
  status: RunStatus;
  seed: number;
  createdAt: string;
  finishedAt: string | null;
  params: Record<string, unknown>;
  dataset: { id: string; name: string };
  createdBy: { id: string; name: string };
  progress: { epoch: number; epochs: number } | null;
  metrics: { acc: number | null; nmi: number | null; ari: number | null; k: number | null } | null;
}

export const TEAM = /* GraphQL */ `
  query Team($id: ID!) {
    team(id: $id) {
      id name viewerRole
      members { role user { id name email } }
      invitations { id email role createdAt expiresAt invitedByName }
      datasets(first: 50) { edges { node { id name format cells genes labelColumns sizeBytes checksum createdAt uploader { id name } } } }
      runs(first: 50) { edges { node { ...RunRow } } }
    }
  }
  ${RUN_FIELDS}
`;
export interface DatasetRow {
  id: string;
  name: string;
  format: string;
  cells: number;
  genes: number;
  labelColumns: string[];
  sizeBytes: number;
  /** SHA-256 of the uploaded bytes. */
  checksum: string;
  createdAt: string;
  uploader: { id: string; name: string };
}
export interface TeamData {
  team: {
    id: string;
    name: string;
    viewerRole: Role;
    members: { role: Role; user: UserRef }[];
    invitations: InvitationRow[];
    datasets: { edges: { node: DatasetRow }[] };
    runs: { edges: { node: RunRow }[] };
  } | null;
}

export const SET_MEMBER = /* GraphQL */ `
  mutation SetMember($teamId: ID!, $email: String!, $role: Role!) {
    setTeamMember(teamId: $teamId, email: $email, role: $role) { membership { role user { id name } } errors { code message field } }
  }
`;
export interface InvitationRow {
  id: string;
  email: string;
  role: Role;
  createdAt: string;
  expiresAt: string;
  invitedByName: string | null;
}
export const INVITE_MEMBER = /* GraphQL */ `
  mutation InviteMember($teamId: ID!, $email: String!, $role: Role!) {
    inviteTeamMember(teamId: $teamId, email: $email, role: $role) { invitation { id } errors { code message field } }
  }
`;
export const REVOKE_INVITATION = /* GraphQL */ `
  mutation RevokeInvitation($id: ID!) { revokeInvitation(id: $id) { deletedId errors { code message field } } }
`;
export const MY_INVITATIONS = /* GraphQL */ `
  query MyInvitations { invitations { id teamId teamName role invitedByName createdAt expiresAt } }
`;
export interface MyInvitationsData {
  invitations: { id: string; teamId: string; teamName: string; role: Role; invitedByName: string | null; createdAt: string; expiresAt: string }[];
}
export const ACCEPT_INVITATION = /* GraphQL */ `
  mutation AcceptInvitation($id: ID!) { acceptInvitation(id: $id) { membership { role } errors { code message field } } }
`;
export const DECLINE_INVITATION = /* GraphQL */ `
  mutation DeclineInvitation($id: ID!) { declineInvitation(id: $id) { deletedId errors { code message field } } }
`;
export const REMOVE_MEMBER = /* GraphQL */ `
  mutation RemoveMember($teamId: ID!, $userId: ID!) { removeTeamMember(teamId: $teamId, userId: $userId) { deletedId errors { code message field } } }
`;

export const DATASET = /* GraphQL */ `
  query Dataset($id: ID!) {
    dataset(id: $id) {
      id name format cells genes labelColumns checksum sizeBytes createdAt organism geneColumns geneNameColumn
      uploader { id name }
      qc {
        countsPerCell { min max mean median q1 q3 histogram { binEdges counts } }
        genesPerCell { min max mean median q1 q3 histogram { binEdges counts } }
      }
      team { id name viewerRole }
      runs(first: 50) { edges { node { ...RunRow } } }
    }
  }
  ${RUN_FIELDS}
`;
export interface DatasetData {
  dataset: (DatasetRow & { organism: Organism | null; geneColumns: string[]; geneNameColumn: string | null; qc: { countsPerCell: QcDistribution; genesPerCell: QcDistribution } | null; team: { id: string; name: string; viewerRole: Role }; runs: { edges: { node: RunRow }[] } }) | null;
}
export const DELETE_DATASET = /* GraphQL */ `
  mutation DeleteDataset($id: ID!) { deleteDataset(id: $id) { deletedId errors { code message field } } }
`;

export const CREATE_RUN = /* GraphQL */ `
  mutation CreateRun($input: CreateRunInput!) { createRun(input: $input) { run { id } errors { code message field } } }
`;
export const CANCEL_RUN = /* GraphQL */ `
  mutation CancelRun($id: ID!) { cancelRun(id: $id) { run { id status } errors { code message field } } }
`;
export const RETRY_RUN = /* GraphQL */ `
  mutation RetryRun($id: ID!) { retryRun(id: $id) { run { id status } errors { code message field } } }
`;

export interface Progress {
  /** loading, preprocessing, training, embedding, umap, markers, saving (absent from older APIs). */
  phase?: string | null;
  /** Share of the phase done, 0..1, where the worker knows it. */
  phaseProgress?: number | null;
  epoch: number;
  epochs: number;
  loss: number;
  instanceLoss: number;
  clusterLoss: number;
  secondsPerEpoch: number;
  etaSeconds: number;
  resumedFrom: number;
}
export interface Metrics {
  cells: number | null;
  k: number | null;
  genesUsed: number | null;
  acc: number | null;
  nmi: number | null;
  ari: number | null;
  headAcc: number | null;
  headNmi: number | null;
  headAri: number | null;
  finalLoss: number | null;
  resolution: number | null;
  modularity: number | null;
  seconds: number | null;
}

export const METHODS = /* GraphQL */ `
  query Methods {
    methods { name description needsK usesResolution trains settings { name type default min exclusiveMin max choices description basic } }
  }
`;
/** One setting as the engine registry declares it (Query.methods): the form is built from these. */
export interface MethodSetting {
  name: string;
  type: "integer" | "number" | "choice";
  default: number | string | null;
  min: number | null;
  exclusiveMin: boolean;
  max: number | null;
  choices: string[] | null;
  description: string;
  basic: boolean;
}
export interface ClusterMethod {
  /** Every setting's default, when the API lists them. */
  defaults?: Record<string, unknown>;
  name: string;
  description: string;
  needsK: boolean;
  usesResolution: boolean;
  trains: boolean;
  settings: MethodSetting[];
}
export interface MethodsData {
  methods: ClusterMethod[];
}
export interface Artifact {
  id: string;
  kind: string;
  contentType: string;
  sizeBytes: number;
  downloadUrl: string;
}

export const RUN = /* GraphQL */ `
  query Run($id: ID!) {
    run(id: $id) {
      id method params seed status backend attempt createdAt startedAt finishedAt secondsPerEpoch error
      team { id name viewerRole }
      dataset { id name cells genes labelColumns }
      createdBy { id name }
      progress { phase phaseProgress epoch epochs loss instanceLoss clusterLoss secondsPerEpoch etaSeconds resumedFrom }
      metrics { cells k genesUsed acc nmi ari headAcc headNmi headAri finalLoss resolution modularity seconds }
      artifacts { id kind contentType sizeBytes downloadUrl }
      lossHistory { epoch loss instanceLoss clusterLoss }
      kSelection { k resolution criterion candidates { k resolution score } }
    }
  }
`;
export interface KSelection {
  k: number;
  resolution: number;
  criterion: string;
  candidates: { k: number; resolution: number; score: number }[];
}
export interface RunData {
  run: {
    id: string;
    method: string;
    params: Record<string, unknown>;
    seed: number;
    status: RunStatus;
    backend: string | null;
    attempt: number;
    createdAt: string;
    startedAt: string | null;
    finishedAt: string | null;
    secondsPerEpoch: number | null;
    error: string | null;
    team: { id: string; name: string; viewerRole: Role };
    dataset: { id: string; name: string; cells: number; genes: number; labelColumns: string[] };
    createdBy: { id: string; name: string };
    progress: Progress | null;
    metrics: Metrics | null;
    artifacts: Artifact[];
    /** A finished scfnccl run's per-epoch losses; null while it runs (the socket carries them then). */
    lossHistory: { epoch: number; loss: number; instanceLoss: number; clusterLoss: number }[] | null;
    /** The K evidence when K was left blank and estimated. */
    kSelection: KSelection | null;
  } | null;
}

export const COMPARE = /* GraphQL */ `
  query Compare($ids: [ID!]!) {
    compareRuns(ids: $ids) {
      id method seed status params createdAt secondsPerEpoch
      dataset { id name }
      metrics { cells k genesUsed acc nmi ari headAcc headNmi headAri finalLoss resolution modularity seconds }
      clusters { index label }
    }
  }
`;
export interface CompareData {
  compareRuns: {
    id: string;
    method: string;
    seed: number;
    status: RunStatus;
    params: Record<string, unknown>;
    createdAt: string;
    secondsPerEpoch: number | null;
    dataset: { id: string; name: string };
    metrics: Metrics | null;
    clusters: { index: number; label: string | null }[];
  }[];
}

export type AnnotationStatus = "OPEN" | "PROPOSED" | "ACCEPTED" | "DISPUTED";
export type VoteValue = "AGREE" | "DISAGREE";

export interface Marker {
  gene: string;
  rank: number;
  score: number;
  logFoldChange: number;
  pctIn: number;
  pctOut: number;
  pvalAdj: number;
}
export interface Vote {
  value: VoteValue;
  reason: string | null;
  createdAt: string;
  user: { id: string; name: string };
}
export interface Proposal {
  id: string;
  clusterIndex: number;
  cellSetId: string | null;
  label: string;
  ontologyId: string | null;
  evidence: string | null;
  markerGenes: string[];
  revision: number;
  accepted: boolean;
  agreeCount: number;
  disagreeCount: number;
  createdAt: string;
  updatedAt: string;
  author: { id: string; name: string };
  votes: Vote[];
  viewerVote: { value: VoteValue; reason: string | null } | null;
  source: ProposalSource;
  importedAuthor: string | null;
  acceptGuard: AcceptGuard;
}
export type ProposalSource = "MANUAL" | "SUGGESTION" | "COPY" | "IMPORT";
export interface AcceptGuard {
  allowed: boolean;
  needsOverrideReason: boolean;
  message: string | null;
}
export interface ClusterComment {
  id: string;
  body: string;
  createdAt: string;
  author: { id: string; name: string };
  proposal: { id: string } | null;
}
export interface HistoryEntry {
  id: string;
  at: string;
  action: string;
  proposalId: string | null;
  before: unknown;
  after: unknown;
  actor: { id: string; name: string } | null;
}
/** The annotation state a cluster and a cell set share (both are reviewed through one flow). */
export interface ReviewState {
  id: string;
  status: AnnotationStatus;
  version: number;
  label: string | null;
  acceptOverrideReason: string | null;
  proposals: Proposal[];
  comments: ClusterComment[];
  history: HistoryEntry[];
}
export interface ClusterState extends ReviewState {
  index: number;
  size: number;
  majorityLabel: string | null;
  markers: Marker[];
}

/** The review fields, written once for the Cluster and the CellSet fragments. */
const REVIEW_FIELDS = /* GraphQL */ `
    status version label acceptOverrideReason
    proposals {
      id clusterIndex cellSetId label ontologyId evidence markerGenes revision accepted agreeCount disagreeCount createdAt updatedAt
      source importedAuthor acceptGuard { allowed needsOverrideReason message }
      author { id name }
      votes { value reason createdAt user { id name } }
      viewerVote { value reason }
    }
    comments { id body createdAt author { id name } proposal { id } }
    history(first: 100) { id at action proposalId before after actor { id name } }
`;

export const CLUSTER_FIELDS = /* GraphQL */ `
  fragment ClusterState on Cluster {
    id index size majorityLabel ${REVIEW_FIELDS}
    markers(top: 10) { gene rank score logFoldChange pctIn pctOut pvalAdj }
  }
`;

export const CELL_SET_FIELDS = /* GraphQL */ `
  fragment CellSetState on CellSet {
    id name cells createdAt createdBy { id name } ${REVIEW_FIELDS}
  }
`;

export const RUN_RESULTS = /* GraphQL */ `
  query RunResults($id: ID!) {
    run(id: $id) {
      id cellsUrl
      exportH5ad: exportUrl(format: H5AD)
      exportCsv: exportUrl(format: CSV)
      labelConfusion { labelKey labels counts }
      clusters { ...ClusterState }
    }
  }
  ${CLUSTER_FIELDS}
`;
export interface RunResultsData {
  run: {
    id: string;
    cellsUrl: string | null;
    exportH5ad: string | null;
    exportCsv: string | null;
    labelConfusion: { labelKey: string; labels: string[]; counts: number[][] } | null;
    clusters: ClusterState[];
  } | null;
}

const PAYLOAD = /* GraphQL */ `cluster { ...ClusterState } cellSet { ...CellSetState } errors { code message field }`;
export interface AnnotationPayload {
  cluster: ClusterState | null;
  cellSet: CellSetRow | null;
  errors: { code: string; message: string; field?: string | null }[];
}

export const PROPOSE_LABEL = /* GraphQL */ `
  mutation ProposeLabel($input: ProposeLabelInput!) { proposeLabel(input: $input) { ${PAYLOAD} } }
  ${CLUSTER_FIELDS}
  ${CELL_SET_FIELDS}
`;
export const REVISE_PROPOSAL = /* GraphQL */ `
  mutation ReviseProposal($input: ReviseProposalInput!) { reviseProposal(input: $input) { ${PAYLOAD} } }
  ${CLUSTER_FIELDS}
  ${CELL_SET_FIELDS}
`;
export const VOTE_PROPOSAL = /* GraphQL */ `
  mutation VoteProposal($input: VoteProposalInput!) { voteProposal(input: $input) { ${PAYLOAD} } }
  ${CLUSTER_FIELDS}
  ${CELL_SET_FIELDS}
`;
export const COMMENT_CLUSTER = /* GraphQL */ `
  mutation CommentCluster($input: CommentClusterInput!) { commentCluster(input: $input) { ${PAYLOAD} } }
  ${CLUSTER_FIELDS}
  ${CELL_SET_FIELDS}
`;
export const ACCEPT_PROPOSAL = /* GraphQL */ `
  mutation AcceptProposal($proposalId: ID!, $expectedVersion: Int!, $overrideReason: String) {
    acceptProposal(proposalId: $proposalId, expectedVersion: $expectedVersion, overrideReason: $overrideReason) { ${PAYLOAD} }
  }
  ${CLUSTER_FIELDS}
  ${CELL_SET_FIELDS}
`;
export const COPY_LABELS = /* GraphQL */ `
  mutation CopyLabels($input: CopyLabelsInput!) {
    copyLabels(input: $input) { mappings { toCluster fromCluster overlap label copied reason } errors { code message field } }
  }
`;

export const RUN_AGREEMENT = /* GraphQL */ `
  query RunAgreement($a: ID!, $b: ID!) {
    runAgreement(a: $a, b: $b) { sharedCells ari nmi contingency a { id } b { id } }
  }
`;
export interface RunAgreementData {
  runAgreement: { sharedCells: number; ari: number; nmi: number; contingency: number[][]; a: { id: string }; b: { id: string } };
}

export const DATASET_QC = /* GraphQL */ `
  query DatasetQc($id: ID!) {
    dataset(id: $id) {
      id
      qc {
        countsPerCell { min max mean median q1 q3 histogram { binEdges counts } }
        genesPerCell { min max mean median q1 q3 histogram { binEdges counts } }
      }
    }
  }
`;
export interface QcDistribution {
  min: number;
  max: number;
  mean: number;
  median: number;
  q1: number;
  q3: number;
  histogram: { binEdges: number[]; counts: number[] };
}
export interface DatasetQcData {
  dataset: { id: string; qc: { countsPerCell: QcDistribution; genesPerCell: QcDistribution } | null } | null;
}

export interface Gene {
  index: number;
  id: string;
  symbol: string | null;
  /** The display name (by the dataset's chosen gene-name column). */
  name: string;
}
export const GENES = /* GraphQL */ `
  query Genes($id: ID!, $search: String, $first: Int) {
    dataset(id: $id) { id geneList: geneSearch(search: $search, first: $first) { index id symbol name } }
  }
`;
export interface GenesData {
  dataset: { id: string; geneList: Gene[] } | null;
}

/** All stored markers of every cluster (the table filters and sorts them; the dot plot picks from them). */
export const RUN_MARKERS = /* GraphQL */ `
  query RunMarkers($id: ID!, $top: Int) {
    run(id: $id) { id markersCsvUrl clusters { index markers(top: $top, filter: null) { gene geneId rank score logFoldChange pctIn pctOut pval pvalAdj log10Pval log10PvalAdj } } }
  }
`;
export interface RunMarkersData {
  run: { id: string; markersCsvUrl: string | null; clusters: { index: number; markers: FullMarker[] }[] } | null;
}
/** A marker with every rank_genes_groups field (the table's row). */
export type FullMarker = Marker & { geneId: string; pval: number; log10Pval: number; log10PvalAdj: number };

/** Mean log1p-normalised expression and fraction expressing of the given genes in every cluster. */
export const GENE_STATS = /* GraphQL */ `
  query GeneStats($id: ID!, $genes: [String!]!) {
    run(id: $id) { id geneStats(genes: $genes) { genes geneIds groups meanExpression fractionExpressing } }
  }
`;
export interface GeneStatsData {
  run: { id: string; geneStats: { genes: string[]; geneIds: string[]; groups: number[]; meanExpression: number[][]; fractionExpressing: number[][] } | null } | null;
}

export interface CellSetRow extends ReviewState {
  id: string;
  name: string;
  /** Indices in the run's cell order (the cells file's). */
  cells: number[];
  createdAt: string;
  createdBy: { id: string; name: string };
}
export const CELL_SETS = /* GraphQL */ `
  query CellSets($id: ID!) {
    run(id: $id) { id cellSets { ...CellSetState } }
  }
  ${CELL_SET_FIELDS}
`;
export interface CellSetsData {
  run: { id: string; cellSets: CellSetRow[] } | null;
}
export const CREATE_CELL_SET = /* GraphQL */ `
  mutation CreateCellSet($input: CreateCellSetInput!) {
    createCellSet(input: $input) { cellSet { ...CellSetState } errors { code message field } }
  }
  ${CELL_SET_FIELDS}
`;
export const DELETE_CELL_SET = /* GraphQL */ `
  mutation DeleteCellSet($id: ID!) { deleteCellSet(id: $id) { deletedId errors { code message field } } }
`;
/** A set's markers against the rest of the run's cells (reference null) or another set: the clusters' test. */
export const CELL_SET_MARKERS = /* GraphQL */ `
  query CellSetMarkers($id: ID!, $reference: ID, $top: Int) {
    cellSet(id: $id) { id name markers(reference: $reference, top: $top, filter: null) { gene geneId rank score logFoldChange pctIn pctOut pval pvalAdj log10Pval log10PvalAdj } }
  }
`;
export interface CellSetMarkersData {
  cellSet: { id: string; name: string; markers: FullMarker[] } | null;
}

export const SET_GENE_NAME_COLUMN = /* GraphQL */ `
  mutation SetGeneNameColumn($datasetId: ID!, $column: String!) {
    setGeneNameColumn(datasetId: $datasetId, column: $column) { dataset { id geneNameColumn } errors { code message field } }
  }
`;

// --- cell-type names: ontology, suggestions, CAS, composition -----------------------------------
export interface CellTypeTerm {
  id: string;
  label: string;
  definition: string | null;
  synonyms: string[];
  parents: { id: string; label: string }[];
}
export const CELL_TYPES = /* GraphQL */ `
  query CellTypes($search: String!, $first: Int) { cellTypes(search: $search, first: $first) { id label definition synonyms parents { id label } } }
`;
export interface CellTypesData {
  cellTypes: CellTypeTerm[];
}

export interface SuggestionGene {
  gene: string;
  logFoldChange: number;
  pctIn: number;
  pctOut: number;
  weight: number;
  contribution: number;
}
export interface CellTypeSuggestion {
  cellType: CellTypeTerm;
  score: number;
  matched: SuggestionGene[];
  against: SuggestionGene[];
  markersMeasured: number;
  sources: { database: string; name: string; tissue: string | null }[];
}
export const CLUSTER_SUGGESTIONS = /* GraphQL */ `
  query ClusterSuggestions($id: ID!, $tissue: String) {
    run(id: $id) {
      id
      clusters {
        index
        suggestions(top: 3, tissue: $tissue) {
          organism tissue note
          suggestions {
            score markersMeasured
            cellType { id label definition synonyms parents { id label } }
            matched { gene logFoldChange pctIn pctOut weight contribution }
            against { gene logFoldChange pctIn pctOut weight contribution }
            sources { database name tissue }
          }
        }
      }
    }
  }
`;
export const CELL_SET_SUGGESTIONS = /* GraphQL */ `
  query CellSetSuggestions($id: ID!, $tissue: String) {
    cellSet(id: $id) {
      id
      suggestions(top: 3, tissue: $tissue) {
        organism tissue note
        suggestions {
          score markersMeasured
          cellType { id label definition synonyms parents { id label } }
          matched { gene logFoldChange pctIn pctOut weight contribution }
          against { gene logFoldChange pctIn pctOut weight contribution }
          sources { database name tissue }
        }
      }
    }
  }
`;
export interface CellSetSuggestionsData {
  cellSet: { id: string; suggestions: SuggestionsAnswer } | null;
}
export interface SuggestionsAnswer {
  organism: string | null;
  tissue: string | null;
  note: string | null;
  suggestions: CellTypeSuggestion[];
}
export interface ClusterSuggestionsData {
  run: { id: string; clusters: { index: number; suggestions: { organism: string | null; tissue: string | null; note: string | null; suggestions: CellTypeSuggestion[] } }[] } | null;
}
export const MARKER_TISSUES = /* GraphQL */ `
  query MarkerTissues($organism: Organism!) { markerTissues(organism: $organism) }
`;
export const ADOPT_SUGGESTION = /* GraphQL */ `
  mutation AdoptSuggestion($input: AdoptSuggestionInput!) { adoptSuggestion(input: $input) { ${PAYLOAD} } }
  ${CLUSTER_FIELDS}
  ${CELL_SET_FIELDS}
`;

export const RUN_CAS = /* GraphQL */ `
  query RunCas($id: ID!) { run(id: $id) { id cas } }
`;
export const IMPORT_CAS = /* GraphQL */ `
  mutation ImportCas($input: ImportCasInput!) {
    importCas(input: $input) { entries { index label clusterIndex imported reason } errors { code message field } }
  }
`;
export interface ImportCasData {
  importCas: { entries: { index: number; label: string; clusterIndex: number | null; imported: boolean; reason: string | null }[]; errors: { code: string; message: string; field?: string | null }[] };
}

export interface CompositionEntry {
  label: string | null;
  ontologyId: string | null;
  cells: number;
  fraction: number;
  clusters: number[];
}
export const RUN_COMPOSITION = /* GraphQL */ `
  query RunComposition($id: ID!) { run(id: $id) { id composition { label ontologyId cells fraction clusters } } }
`;
export interface RunCompositionData {
  run: { id: string; composition: CompositionEntry[] } | null;
}
export const LABEL_CORRESPONDENCE = /* GraphQL */ `
  query LabelCorrespondence($a: ID!, $b: ID!) { labelCorrespondence(runA: $a, runB: $b) { sharedCells labelsA labelsB counts } }
`;
export interface LabelCorrespondenceData {
  labelCorrespondence: { sharedCells: number; labelsA: (string | null)[]; labelsB: (string | null)[]; counts: number[][] };
}

export type Organism = "HUMAN" | "MOUSE" | "OTHER";
export const SET_DATASET_ORGANISM = /* GraphQL */ `
  mutation SetDatasetOrganism($input: SetDatasetOrganismInput!) { setDatasetOrganism(input: $input) { dataset { id organism } errors { code message field } } }
`;
