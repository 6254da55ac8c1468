/**
 * Run events travel through PostgreSQL NOTIFY on one channel, so every API instance (each
 * LISTENing) hears every worker, wherever it runs; the API relays them to socket.io rooms.
 */
import type { DbClient, RunProgress, RunStatus } from "@scfnccl/db";

export const EVENTS_CHANNEL = "scfnccl_events";

export type PlatformEvent =
  | { type: "run.status"; teamId: string; runId: string; status: RunStatus; error?: string | null; attempt: number }
  | { type: "run.progress"; teamId: string; runId: string; progress: RunProgress; attempt: number }
  /**
   * A cluster's or a cell set's annotation changed: `action` as in the audit log (`proposal.create`,
   * `proposal.vote`, …), the new version and status. For a cell set `cellSetId` names it and
   * `clusterIndex` is -1.
   */
  | { type: "annotation.changed"; teamId: string; runId: string; clusterIndex: number; cellSetId?: string | null; proposalId: string | null; action: string; version: number; status: string; actorId: string }
  /** A user joined a team, changed role (`role` set) or left it (`role` null). */
  | { type: "membership.changed"; teamId: string; userId: string; role: string | null }
  /**
   * A team invitation was sent (or re-sent), accepted, declined or revoked. `userId` is the
   * invitee's account when one has the address; the API tells only that user, never the team, who it is.
   */
  | { type: "invitation.changed"; teamId: string; invitationId: string; status: "pending" | "accepted" | "declined" | "revoked"; userId: string | null }
  /** A session ended (sign-out) or an API token was revoked: sockets opened with it close on every instance. */
  | { type: "credentials.revoked"; userId: string; sessionId?: string; tokenId?: string };

export async function publishEvent(db: DbClient, event: PlatformEvent): Promise<void> {
  await db.notify(EVENTS_CHANNEL, JSON.stringify(event));
}

export async function subscribeEvents(db: DbClient, onEvent: (event: PlatformEvent) => void): Promise<() => Promise<void>> {
  return db.listen(EVENTS_CHANNEL, (payload) => {
    try {
      onEvent(JSON.parse(payload) as PlatformEvent);
    } catch {
      // Not ours (someone else NOTIFYing on the channel); ignore.
    }
  });
}
