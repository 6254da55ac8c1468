"use client";
/**
 * Who is signed in, as one store for the tab: the top bar reads it, and sign-in / sign-up / sign-out
 * write it the moment they succeed, so the bar never shows "Sign in" to someone who just signed in
 * while the re-read is on its way. `undefined` = not known yet.
 */
import { useSyncExternalStore } from "react";

export type SignedIn = { id: string; name: string } | null;
let current: SignedIn | undefined = undefined;
const listeners = new Set<() => void>();

export function setViewer(v: SignedIn) {
  current = v;
  for (const l of listeners) l();
}

export function useViewer(): SignedIn | undefined {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => current,
    () => undefined,
  );
}
