"use client";
import { useEffect } from "react";

/**
 * "<subject> · scFNCCL" as the document title while the page shows `subject` (null: not known yet).
 * Next applies the layout's metadata title after hydration (streamed), which can land after this
 * effect, so the title is re-applied whenever the head's <title> changes while the page is shown.
 */
export function useTitle(subject: string | null | undefined) {
  useEffect(() => {
    const want = subject ? `${subject} · scFNCCL` : "scFNCCL";
    const apply = () => {
      if (document.title !== want) document.title = want;
    };
    apply();
    const watch = new MutationObserver(apply);
    watch.observe(document.head, { subtree: true, childList: true, characterData: true });
    return () => watch.disconnect();
  }, [subject]);
}
