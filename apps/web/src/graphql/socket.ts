"use client";
/**
 * One socket.io connection per tab, same origin (proxied to the API), authenticated by the session
 * cookie. Pages subscribe to events; a run page also joins the run's room, again after reconnects.
 */
import { useEffect, useRef, useState } from "react";
import { io, type Socket } from "socket.io-client";

export interface RunProgressEvent {
  type: "run.progress";
  runId: string;
  attempt: number;
  /** The worker's progress as stored (its phase in lower case, absent from older workers). */
  progress: { phase?: string; phaseProgress?: number; epoch: number; epochs: number; loss: number; instanceLoss: number; clusterLoss: number; secondsPerEpoch: number; etaSeconds: number; resumedFrom?: number };
}
export interface RunStatusEvent {
  type: "run.status";
  runId: string;
  status: string;
  error?: string | null;
  attempt: number;
}
export interface AnnotationEvent {
  type: "annotation.changed";
  runId: string;
  /** -1 for a cell set's annotation, which `cellSetId` names. */
  clusterIndex: number;
  cellSetId?: string | null;
  action: string;
}

let shared: Socket | null = null;

export function getSocket(): Socket {
  if (!shared) shared = io({ path: "/socket.io", withCredentials: true, transports: ["websocket", "polling"] });
  return shared;
}

/** Drops the connection (after sign-out, so the next one authenticates as the new user). */
export function resetSocket(): void {
  shared?.disconnect();
  shared = null;
}

/** Calls `handler` for each `event`; the latest handler is used without re-subscribing. */
export function useSocketEvent<E>(event: string, handler: (e: E) => void): void {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => {
    const socket = getSocket();
    const fn = (e: E) => ref.current(e);
    socket.on(event, fn);
    return () => void socket.off(event, fn);
  }, [event]);
}

/** Joins a run's room while mounted; `connected` says whether live updates are flowing. */
export function useRunRoom(runId: string | null): { connected: boolean } {
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    if (!runId) return;
    const socket = getSocket();
    const join = () => {
      socket.emit("run:subscribe", runId, (reply: { ok: boolean }) => setConnected(reply.ok));
    };
    const lost = () => setConnected(false);
    if (socket.connected) join();
    socket.on("connect", join);
    socket.on("disconnect", lost);
    return () => {
      socket.off("connect", join);
      socket.off("disconnect", lost);
      if (socket.connected) socket.emit("run:unsubscribe", runId, () => undefined);
    };
  }, [runId]);
  return { connected };
}
