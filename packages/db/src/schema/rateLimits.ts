import { doublePrecision, integer, pgTable, varchar } from "drizzle-orm/pg-core";

/**
 * Attempt counters shared by every API instance (sign-in failures, sign-ups, invitations). The
 * layout is the one rate-limiter-flexible's PostgreSQL store reads and writes (it inserts by column
 * position: key, points, expire); `expire` is epoch milliseconds, as a double so that both pg and
 * PGlite return a number.
 */
export const rateLimits = pgTable("rate_limits", {
  key: varchar("key", { length: 255 }).primaryKey(),
  points: integer("points").notNull().default(0),
  expire: doublePrecision("expire"),
});
