import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type DbClient } from "./client.ts";
import { auditLog, memberships, teams, users } from "./schema/index.ts";
import { createTempDatabase, type TempDatabase } from "./testing.ts";

let temp: TempDatabase;
const clients: Record<string, DbClient> = {};

beforeAll(async () => {
  temp = await createTempDatabase();
  clients["postgres"] = await createDb({ url: temp.url, poolSize: 2 });
  clients["pglite"] = await createDb();
  for (const c of Object.values(clients)) await c.migrate();
});

afterAll(async () => {
  for (const c of Object.values(clients)) await c.close();
  await temp?.drop();
});

describe.each(["postgres", "pglite"])("%s client", (kind) => {
  it("migrates and enforces the schema's constraints", async () => {
    const { db } = clients[kind]!;
    const [u] = await db.insert(users).values({ email: "a@example.org", name: "A", passwordHash: "x" }).returning();
    const [t] = await db.insert(teams).values({ name: "lab" }).returning();
    await db.insert(memberships).values({ teamId: t!.id, userId: u!.id, role: "owner" });
    const rows = await db.select().from(memberships).where(eq(memberships.userId, u!.id));
    expect(rows.map((r) => r.role)).toEqual(["owner"]);
    await expect(db.insert(users).values({ email: "a@example.org", name: "B", passwordHash: "y" })).rejects.toThrow();
    await expect(db.insert(memberships).values({ teamId: t!.id, userId: u!.id, role: "viewer" })).rejects.toThrow();
  });

  it("applies migrations once (a second migrate is a no-op)", async () => {
    await clients[kind]!.migrate();
    const { rows } = await clients[kind]!.sql.executeSql("select count(*)::int as n from users");
    expect(rows[0]?.["n"]).toBe(1);
  });

  it("delivers NOTIFY payloads to listeners", async () => {
    const c = clients[kind]!;
    let received: (payload: string) => void = () => undefined;
    const got = new Promise<string>((resolve) => (received = resolve));
    // Awaited: LISTEN opens its own connection, which a loaded machine may take long to connect.
    await c.listen("test_channel", received);
    await c.notify("test_channel", '{"hello":1}');
    expect(await got).toBe('{"hello":1}');
  });

  it("runs parameterless multi-statement scripts through the sql adapter (as pg-boss sends them)", async () => {
    const { rows } = await clients[kind]!.sql.executeSql("create table t_multi (a int); insert into t_multi values (7); select a from t_multi");
    expect(rows).toEqual([{ a: 7 }]);
  });

  it("keeps the audit log append-only", async () => {
    const { db } = clients[kind]!;
    await db.insert(auditLog).values({ action: "test", targetType: "none" });
    await expect(db.update(auditLog).set({ action: "rewritten" })).rejects.toThrow();
    await expect(db.delete(auditLog)).rejects.toThrow();
    expect((await db.select().from(auditLog)).map((r) => r.action)).toEqual(["test"]);
  });
});
