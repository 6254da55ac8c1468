import { auditLog, type Db } from "@scfnccl/db";

type Inserter = Pick<Db, "insert">;

/** Appends one entry to the audit log (every mutation that changes something calls this). */
export async function audit(
  db: Inserter,
  entry: { teamId?: string | null; actorId?: string | null; action: string; targetType: string; targetId?: string | null; data?: Record<string, unknown> },
): Promise<void> {
  await db.insert(auditLog).values(entry);
}
