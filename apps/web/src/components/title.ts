"use client";
import { useEffect } from "react";

/** "<subject> · scFNCCL" as the document title while the page shows `subject` (null: not known yet). */
export function useTitle(subject: string | null | undefined) {
  useEffect(() => {
    document.title = subject ? `${subject} · scFNCCL` : "scFNCCL";
  }, [subject]);
}
