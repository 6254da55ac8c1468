/**
 * Live events over socket.io. The handshake authenticates (session cookie, or `auth.token` with a
 * session or API token); each socket joins its teams' rooms and, on `run:subscribe`, a run's room
 * once access is checked. Events come from PostgreSQL NOTIFY, which every API instance LISTENs to,
 * so a worker's progress reaches sockets on any instance without a socket.io adapter.
 */
import type { Server as HttpServer } from "node:http";
import { subscribeEvents } from "@scfnccl/platform";
import { Server } from "socket.io";
import { authenticate, createContext, type Deps, type Viewer } from "./context.ts";
import { AppError } from "./errors.ts";
import { getRun } from "./services/runs.ts";

type Ack = (reply: { ok: true; run?: unknown } | { ok: false; error: { code: string; message: string } }) => void;

export async function attachRealtime(httpServer: HttpServer, deps: Deps): Promise<{ io: Server; close(): Promise<void> }> {
  const io = new Server(httpServer, {
    path: "/socket.io",
    serveClient: false,
    // A WebSocket is not bound by CORS: a page elsewhere could open one with the user's cookies were
    // it not for SameSite; checking the Origin as well keeps that true for older browsers too.
    allowRequest: (req, callback) => {
      const origin = req.headers.origin;
      if (!origin) return callback(null, true); // not a browser (scripts, notebooks)
      let host: string | null = null;
      try {
        host = new URL(origin).host;
      } catch {
        return callback("bad origin", false);
      }
      callback(null, host === req.headers.host || deps.env.WEB_ORIGINS.includes(origin));
    },
  });

  io.use((socket, next) => {
    const token = typeof socket.handshake.auth?.["token"] === "string" ? (socket.handshake.auth["token"] as string) : undefined;
    authenticate(deps, socket.request.headers, token)
      .then((auth) => {
        if (!auth.viewer) return next(new Error(auth.refused ? `unauthenticated: ${auth.refused}` : "unauthenticated"));
        socket.data.viewer = auth.viewer;
        next();
      })
      .catch((err: unknown) => next(err as Error));
  });

  const contextFor = (viewer: Viewer, address: string) => createContext(deps, { viewer, log: deps.log.child({ socket: true }), clientAddress: address });

  io.on("connection", (socket) => {
    const viewer = socket.data.viewer as Viewer;
    const address = deps.clientAddress(socket.request);
    const joinTeams = async () => {
      const roles = await contextFor(viewer, address).roles();
      await socket.join([`user:${viewer.userId}`, ...[...roles.keys()].map((id) => `team:${id}`)]);
    };
    // The user's room at once (the teams' need a query): revocations find the socket from its first moment.
    void socket.join(`user:${viewer.userId}`);
    void joinTeams().catch((err: unknown) => deps.log.warn({ err }, "socket could not join team rooms"));

    const reply = (ack: unknown, fn: () => Promise<{ ok: true; run?: unknown }>) => {
      if (typeof ack !== "function") return;
      fn()
        .then((r) => (ack as Ack)(r))
        .catch((err: unknown) =>
          (ack as Ack)({ ok: false, error: err instanceof AppError ? { code: err.code, message: err.message } : { code: "INTERNAL", message: "internal error" } }),
        );
    };
    socket.on("run:subscribe", (runId: unknown, ack: unknown) =>
      reply(ack, async () => {
        const run = await getRun(contextFor(viewer, address), String(runId));
        await socket.join(`run:${run.id}`);
        return { ok: true, run: { id: run.id, status: run.status, progress: run.progress } };
      }),
    );
    socket.on("run:unsubscribe", (runId: unknown, ack: unknown) =>
      reply(ack, async () => {
        await socket.leave(`run:${String(runId)}`);
        return { ok: true };
      }),
    );
    // After joining a team, a client asks to be put in its room without reconnecting.
    socket.on("teams:refresh", (ack: unknown) =>
      reply(ack, async () => {
        await joinTeams();
        return { ok: true };
      }),
    );
  });

  const unsubscribe = await subscribeEvents(deps.db, (event) => {
    if (event.type === "credentials.revoked") {
      // Each instance closes its own sockets opened with that session or token.
      void io
        .in(`user:${event.userId}`)
        .fetchSockets()
        .then((sockets) => {
          for (const s of sockets) {
            const v = s.data.viewer as Viewer;
            if ((event.sessionId && v.sessionId === event.sessionId) || (event.tokenId && v.tokenId === event.tokenId)) s.disconnect(true);
          }
        });
      return;
    }
    if (event.type === "invitation.changed") {
      // The team's pages refresh their pending list; the invitee's, their invitations. Who the
      // invitee is stays with the invitee.
      const { userId, ...shared } = event;
      io.to(`team:${event.teamId}`).emit(event.type, { ...shared, userId: null });
      if (userId) io.to(`user:${userId}`).emit(event.type, { ...shared, userId });
      return;
    }
    if (event.type === "membership.changed") {
      const sockets = io.in(`user:${event.userId}`);
      // Joining is immediate; leaving drops the connection, so the client reconnects with exactly
      // the rooms it may still be in (it may have subscribed to runs of that team).
      if (event.role) sockets.socketsJoin(`team:${event.teamId}`);
      else {
        // The removed member's open pages hear it first (they stop offering what they may no longer
        // do); then their connections drop and come back with only the rooms still theirs.
        io.to(`user:${event.userId}`).emit(event.type, event);
        sockets.disconnectSockets(true);
      }
      io.to(`team:${event.teamId}`).emit(event.type, event);
      return;
    }
    // One emit to the union of both rooms: a socket in both gets the event once.
    io.to([`team:${event.teamId}`, `run:${event.runId}`]).emit(event.type, event);
  });

  return {
    io,
    async close() {
      await unsubscribe();
      await new Promise<void>((resolve) => void io.close(() => resolve()));
    },
  };
}
