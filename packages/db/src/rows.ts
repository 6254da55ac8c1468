import type { annotations, apiTokens, artifacts, auditLog, cellSets, clusters, comments, datasets, memberships, runs, teamInvitations, teams, users, votes } from "./schema/index.ts";

/** Row types by table, named so other packages (GraphQL codegen mappers) can refer to them. */
export interface Rows {
  user: typeof users.$inferSelect;
  team: typeof teams.$inferSelect;
  membership: typeof memberships.$inferSelect;
  invitation: typeof teamInvitations.$inferSelect;
  apiToken: typeof apiTokens.$inferSelect;
  dataset: typeof datasets.$inferSelect;
  run: typeof runs.$inferSelect;
  artifact: typeof artifacts.$inferSelect;
  cluster: typeof clusters.$inferSelect;
  cellSet: typeof cellSets.$inferSelect;
  annotation: typeof annotations.$inferSelect;
  comment: typeof comments.$inferSelect;
  vote: typeof votes.$inferSelect;
  audit: typeof auditLog.$inferSelect;
}
