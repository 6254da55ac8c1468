/**
 * The client's GraphQL operations; the shapes they return are generated from the SDL and these
 * operations (`pnpm --filter @scfnccl/web codegen` writes operations.generated.ts), so a selection
 * or a schema change that a component does not handle fails typecheck. Each operation is declared
 * `Doc<G.<Name>Query>` so `gql` and `useQuery` infer what it returns; below only aliases, no
 * hand-written result shapes (operations.generated.test.ts checks both).
 */
import type { Doc } from "./client.ts";
import type * as G from "./operations.generated.ts";

export type { AnnotationStatus, Organism, ProposalSource, Role, RunStatus, VoteValue } from "./operations.generated.ts";

export type ViewerData = G.ViewerQuery;
export type TeamsData = G.TeamsQuery;
export type ApiTokensData = G.ApiTokensQuery;
export type TeamData = G.TeamQuery;
export type RunRow = G.RunRowFragment;
export type DatasetRow = NonNullable<TeamData["team"]>["datasets"]["edges"][number]["node"];
export type MyInvitationsData = G.MyInvitationsQuery;
export type DatasetData = G.DatasetQuery;
export type MethodsData = G.MethodsQuery;
export type ClusterMethod = MethodsData["methods"][number];
/** One setting as the engine registry declares it (Query.methods): the form is built from these. */
export type MethodSetting = ClusterMethod["settings"][number];
export type RunData = G.RunQuery;
type RunDetail = NonNullable<RunData["run"]>;
export type Progress = NonNullable<RunDetail["progress"]>;
export type Metrics = NonNullable<RunDetail["metrics"]>;
export type KSelection = NonNullable<RunDetail["kSelection"]>;
export type CompareData = G.CompareQuery;
export type RunResultsData = G.RunResultsQuery;
export type ClusterState = G.ClusterStateFragment;
export type CellSetRow = G.CellSetStateFragment;
/** The annotation state a cluster and a cell set share (both are reviewed through one flow). */
export type ReviewState = Pick<ClusterState, "id" | "status" | "version" | "label" | "acceptOverrideReason" | "proposals" | "comments" | "history">;
export type Proposal = G.ProposalStateFragment;
export type HistoryEntry = G.HistoryStateFragment;
export type Marker = ClusterState["markers"][number];
export type AnnotationPayload = G.AnnotationResultFragment;
export type RunAgreementData = G.RunAgreementQuery;
export type QcDistribution = NonNullable<NonNullable<G.DatasetQcQuery["dataset"]>["qc"]>["countsPerCell"];
export type GenesData = G.GenesQuery;
export type Gene = NonNullable<GenesData["dataset"]>["geneList"][number];
export type RunMarkersData = G.RunMarkersQuery;
export type GeneStatsData = G.GeneStatsQuery;
export type CellSetsData = G.CellSetsQuery;
export type CellSetMarkersData = G.CellSetMarkersQuery;
export type CellTypesData = G.CellTypesQuery;
export type CellTypeTerm = CellTypesData["cellTypes"][number];
export type CellSetSuggestionsData = G.CellSetSuggestionsQuery;
export type ClusterSuggestionsData = G.ClusterSuggestionsQuery;
export type ImportCasData = G.ImportCasMutation;
export type RunCompositionData = G.RunCompositionQuery;
export type LabelCorrespondenceData = G.LabelCorrespondenceQuery;

export const VIEWER: Doc<G.ViewerQuery> = /* GraphQL */ `
  query Viewer {
    viewer { id name email memberships { role team { id name } } }
  }
`;

export const SIGN_IN: Doc<G.SignInMutation> = /* GraphQL */ `
  mutation SignIn($email: String!, $password: String!) {
    signIn(email: $email, password: $password) { user { id name } errors { code message field } }
  }
`;
export const SIGN_UP: Doc<G.SignUpMutation> = /* GraphQL */ `
  mutation SignUp($input: SignUpInput!) {
    signUp(input: $input) { user { id name } errors { code message field } }
  }
`;
export const SIGN_OUT: Doc<G.SignOutMutation> = /* GraphQL */ `
  mutation SignOut { signOut }
`;

export const TEAMS: Doc<G.TeamsQuery> = /* GraphQL */ `
  query Teams {
    teams { id name viewerRole createdAt members { role user { id } } }
  }
`;
export const API_TOKENS: Doc<G.ApiTokensQuery> = /* GraphQL */ `
  query ApiTokens { apiTokens { id name prefix createdAt lastUsedAt } }
`;
export const CREATE_API_TOKEN: Doc<G.CreateApiTokenMutation> = /* GraphQL */ `
  mutation CreateApiToken($name: String!) { createApiToken(name: $name) { apiToken { id } secret errors { code message field } } }
`;
export const REVOKE_API_TOKEN: Doc<G.RevokeApiTokenMutation> = /* GraphQL */ `
  mutation RevokeApiToken($id: ID!) { revokeApiToken(id: $id) { deletedId errors { code message field } } }
`;

export const CHANGE_PASSWORD: Doc<G.ChangePasswordMutation> = /* GraphQL */ `
  mutation ChangePassword($current: String!, $next: String!) { changePassword(currentPassword: $current, newPassword: $next) { user { id } errors { code message field } } }
`;
export const CREATE_TEAM: Doc<G.CreateTeamMutation> = /* GraphQL */ `
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

export const TEAM: Doc<G.TeamQuery> = /* GraphQL */ `
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

export const SET_MEMBER: Doc<G.SetMemberMutation> = /* GraphQL */ `
  mutation SetMember($teamId: ID!, $email: String!, $role: Role!) {
    setTeamMember(teamId: $teamId, email: $email, role: $role) { membership { role user { id name } } errors { code message field } }
  }
`;
export const INVITE_MEMBER: Doc<G.InviteMemberMutation> = /* GraphQL */ `
  mutation InviteMember($teamId: ID!, $email: String!, $role: Role!) {
    inviteTeamMember(teamId: $teamId, email: $email, role: $role) { invitation { id } errors { code message field } }
  }
`;
export const REVOKE_INVITATION: Doc<G.RevokeInvitationMutation> = /* GraphQL */ `
  mutation RevokeInvitation($id: ID!) { revokeInvitation(id: $id) { deletedId errors { code message field } } }
`;
export const MY_INVITATIONS: Doc<G.MyInvitationsQuery> = /* GraphQL */ `
  query MyInvitations { invitations { id teamId teamName role invitedByName createdAt expiresAt } }
`;
export const ACCEPT_INVITATION: Doc<G.AcceptInvitationMutation> = /* GraphQL */ `
  mutation AcceptInvitation($id: ID!) { acceptInvitation(id: $id) { membership { role } errors { code message field } } }
`;
export const DECLINE_INVITATION: Doc<G.DeclineInvitationMutation> = /* GraphQL */ `
  mutation DeclineInvitation($id: ID!) { declineInvitation(id: $id) { deletedId errors { code message field } } }
`;
export const REMOVE_MEMBER: Doc<G.RemoveMemberMutation> = /* GraphQL */ `
  mutation RemoveMember($teamId: ID!, $userId: ID!) { removeTeamMember(teamId: $teamId, userId: $userId) { deletedId errors { code message field } } }
`;

export const DATASET: Doc<G.DatasetQuery> = /* GraphQL */ `
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
export const DELETE_DATASET: Doc<G.DeleteDatasetMutation> = /* GraphQL */ `
  mutation DeleteDataset($id: ID!) { deleteDataset(id: $id) { deletedId errors { code message field } } }
`;

export const CREATE_RUN: Doc<G.CreateRunMutation> = /* GraphQL */ `
  mutation CreateRun($input: CreateRunInput!) { createRun(input: $input) { run { id } errors { code message field } } }
`;
export const CANCEL_RUN: Doc<G.CancelRunMutation> = /* GraphQL */ `
  mutation CancelRun($id: ID!) { cancelRun(id: $id) { run { id status } errors { code message field } } }
`;
export const RETRY_RUN: Doc<G.RetryRunMutation> = /* GraphQL */ `
  mutation RetryRun($id: ID!) { retryRun(id: $id) { run { id status } errors { code message field } } }
`;

export const METHODS: Doc<G.MethodsQuery> = /* GraphQL */ `
  query Methods {
    methods { name description needsK usesResolution trains settings { name type default min exclusiveMin max choices description basic } }
  }
`;

export const RUN: Doc<G.RunQuery> = /* GraphQL */ `
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

export const COMPARE: Doc<G.CompareQuery> = /* GraphQL */ `
  query Compare($ids: [ID!]!) {
    compareRuns(ids: $ids) {
      id method seed status params createdAt secondsPerEpoch
      dataset { id name }
      metrics { cells k genesUsed acc nmi ari headAcc headNmi headAri finalLoss resolution modularity seconds }
      clusters { index label }
    }
  }
`;

/**
 * The review fields a cluster and a cell set share, as fragments on their parts (the SDL has no
 * common interface, and codegen reads each tagged string on its own, so no text is spliced in).
 */
const REVIEW_FIELDS = /* GraphQL */ `
  fragment ProposalState on Proposal {
    id clusterIndex cellSetId label ontologyId evidence markerGenes revision accepted agreeCount disagreeCount createdAt updatedAt
    source importedAuthor acceptGuard { allowed needsOverrideReason message }
    author { id name }
    votes { value reason createdAt user { id name } }
    viewerVote { value reason }
  }
  fragment CommentState on Comment { id body createdAt author { id name } proposal { id } }
  fragment HistoryState on AnnotationEvent { id at action proposalId before after actor { id name } }
`;

/** Without REVIEW_FIELDS: an operation appends each fragment once (a repeated definition is an error). */
const CLUSTER_FIELDS = /* GraphQL */ `
  fragment ClusterState on Cluster {
    id index size majorityLabel
    status version label acceptOverrideReason proposals { ...ProposalState } comments { ...CommentState } history(first: 100) { ...HistoryState }
    markers(top: 10) { gene rank score logFoldChange pctIn pctOut pvalAdj }
  }
`;

const CELL_SET_FIELDS = /* GraphQL */ `
  fragment CellSetState on CellSet {
    id name cells createdAt createdBy { id name }
    status version label acceptOverrideReason proposals { ...ProposalState } comments { ...CommentState } history(first: 100) { ...HistoryState }
  }
`;

export const RUN_RESULTS: Doc<G.RunResultsQuery> = /* GraphQL */ `
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
  ${REVIEW_FIELDS}
`;

const ANNOTATION_PAYLOAD = /* GraphQL */ `
  fragment AnnotationResult on AnnotationPayload { cluster { ...ClusterState } cellSet { ...CellSetState } errors { code message field } }
`;
/** Every fragment an annotation mutation's payload uses, each once. */
const PAYLOAD_FRAGMENTS = ANNOTATION_PAYLOAD + CLUSTER_FIELDS + CELL_SET_FIELDS + REVIEW_FIELDS;

export const PROPOSE_LABEL: Doc<G.ProposeLabelMutation> = /* GraphQL */ `
  mutation ProposeLabel($input: ProposeLabelInput!) { proposeLabel(input: $input) { ...AnnotationResult } }
  ${PAYLOAD_FRAGMENTS}
`;
export const REVISE_PROPOSAL: Doc<G.ReviseProposalMutation> = /* GraphQL */ `
  mutation ReviseProposal($input: ReviseProposalInput!) { reviseProposal(input: $input) { ...AnnotationResult } }
  ${PAYLOAD_FRAGMENTS}
`;
export const VOTE_PROPOSAL: Doc<G.VoteProposalMutation> = /* GraphQL */ `
  mutation VoteProposal($input: VoteProposalInput!) { voteProposal(input: $input) { ...AnnotationResult } }
  ${PAYLOAD_FRAGMENTS}
`;
export const COMMENT_CLUSTER: Doc<G.CommentClusterMutation> = /* GraphQL */ `
  mutation CommentCluster($input: CommentClusterInput!) { commentCluster(input: $input) { ...AnnotationResult } }
  ${PAYLOAD_FRAGMENTS}
`;
export const ACCEPT_PROPOSAL: Doc<G.AcceptProposalMutation> = /* GraphQL */ `
  mutation AcceptProposal($proposalId: ID!, $expectedVersion: Int!, $overrideReason: String) {
    acceptProposal(proposalId: $proposalId, expectedVersion: $expectedVersion, overrideReason: $overrideReason) { ...AnnotationResult }
  }
  ${PAYLOAD_FRAGMENTS}
`;
export const COPY_LABELS: Doc<G.CopyLabelsMutation> = /* GraphQL */ `
  mutation CopyLabels($input: CopyLabelsInput!) {
    copyLabels(input: $input) { mappings { toCluster fromCluster overlap label copied reason } errors { code message field } }
  }
`;

export const RUN_AGREEMENT: Doc<G.RunAgreementQuery> = /* GraphQL */ `
  query RunAgreement($a: ID!, $b: ID!) {
    runAgreement(a: $a, b: $b) { sharedCells ari nmi contingency a { id } b { id } }
  }
`;

export const DATASET_QC: Doc<G.DatasetQcQuery> = /* GraphQL */ `
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

export const GENES: Doc<G.GenesQuery> = /* GraphQL */ `
  query Genes($id: ID!, $search: String, $first: Int) {
    dataset(id: $id) { id geneList: geneSearch(search: $search, first: $first) { index id symbol name } }
  }
`;

/** All stored markers of every cluster (the table filters and sorts them; the dot plot picks from them). */
export const RUN_MARKERS: Doc<G.RunMarkersQuery> = /* GraphQL */ `
  query RunMarkers($id: ID!, $top: Int) {
    run(id: $id) { id markersCsvUrl clusters { index markers(top: $top, filter: null) { gene geneId rank score logFoldChange pctIn pctOut pval pvalAdj log10Pval log10PvalAdj } } }
  }
`;

/** Mean log1p-normalised expression and fraction expressing of the given genes in every cluster. */
export const GENE_STATS: Doc<G.GeneStatsQuery> = /* GraphQL */ `
  query GeneStats($id: ID!, $genes: [String!]!) {
    run(id: $id) { id geneStats(genes: $genes) { genes geneIds groups meanExpression fractionExpressing } }
  }
`;

export const CELL_SETS: Doc<G.CellSetsQuery> = /* GraphQL */ `
  query CellSets($id: ID!) {
    run(id: $id) { id cellSets { ...CellSetState } }
  }
  ${CELL_SET_FIELDS}
  ${REVIEW_FIELDS}
`;
export const CREATE_CELL_SET: Doc<G.CreateCellSetMutation> = /* GraphQL */ `
  mutation CreateCellSet($input: CreateCellSetInput!) {
    createCellSet(input: $input) { cellSet { ...CellSetState } errors { code message field } }
  }
  ${CELL_SET_FIELDS}
  ${REVIEW_FIELDS}
`;
export const DELETE_CELL_SET: Doc<G.DeleteCellSetMutation> = /* GraphQL */ `
  mutation DeleteCellSet($id: ID!) { deleteCellSet(id: $id) { deletedId errors { code message field } } }
`;
/** A set's markers against the rest of the run's cells (reference null) or another set: the clusters' test. */
export const CELL_SET_MARKERS: Doc<G.CellSetMarkersQuery> = /* GraphQL */ `
  query CellSetMarkers($id: ID!, $reference: ID, $top: Int) {
    cellSet(id: $id) { id name markers(reference: $reference, top: $top, filter: null) { gene geneId rank score logFoldChange pctIn pctOut pval pvalAdj log10Pval log10PvalAdj } }
  }
`;

export const SET_GENE_NAME_COLUMN: Doc<G.SetGeneNameColumnMutation> = /* GraphQL */ `
  mutation SetGeneNameColumn($datasetId: ID!, $column: String!) {
    setGeneNameColumn(datasetId: $datasetId, column: $column) { dataset { id geneNameColumn } errors { code message field } }
  }
`;

// --- cell-type names: ontology, suggestions, CAS, composition -----------------------------------
export const CELL_TYPES: Doc<G.CellTypesQuery> = /* GraphQL */ `
  query CellTypes($search: String!, $first: Int) { cellTypes(search: $search, first: $first) { id label definition synonyms parents { id label } } }
`;

export const CLUSTER_SUGGESTIONS: Doc<G.ClusterSuggestionsQuery> = /* GraphQL */ `
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
export const CELL_SET_SUGGESTIONS: Doc<G.CellSetSuggestionsQuery> = /* GraphQL */ `
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
export const MARKER_TISSUES: Doc<G.MarkerTissuesQuery> = /* GraphQL */ `
  query MarkerTissues($organism: Organism!) { markerTissues(organism: $organism) }
`;
export const ADOPT_SUGGESTION: Doc<G.AdoptSuggestionMutation> = /* GraphQL */ `
  mutation AdoptSuggestion($input: AdoptSuggestionInput!) { adoptSuggestion(input: $input) { ...AnnotationResult } }
  ${PAYLOAD_FRAGMENTS}
`;

export const RUN_CAS: Doc<G.RunCasQuery> = /* GraphQL */ `
  query RunCas($id: ID!) { run(id: $id) { id cas } }
`;
export const IMPORT_CAS: Doc<G.ImportCasMutation> = /* GraphQL */ `
  mutation ImportCas($input: ImportCasInput!) {
    importCas(input: $input) { entries { index label clusterIndex imported reason } errors { code message field } }
  }
`;

export const RUN_COMPOSITION: Doc<G.RunCompositionQuery> = /* GraphQL */ `
  query RunComposition($id: ID!) { run(id: $id) { id composition { label ontologyId cells fraction clusters } } }
`;
export const LABEL_CORRESPONDENCE: Doc<G.LabelCorrespondenceQuery> = /* GraphQL */ `
  query LabelCorrespondence($a: ID!, $b: ID!) { labelCorrespondence(runA: $a, runB: $b) { sharedCells labelsA labelsB counts } }
`;

export const SET_DATASET_ORGANISM: Doc<G.SetDatasetOrganismMutation> = /* GraphQL */ `
  mutation SetDatasetOrganism($input: SetDatasetOrganismInput!) { setDatasetOrganism(input: $input) { dataset { id organism } errors { code message field } } }
`;
