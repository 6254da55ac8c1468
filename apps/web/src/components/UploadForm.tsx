"use client";
import { useRef, useState, type FormEvent } from "react";
import { ErrorText } from "./Field";
import { fmtBytes } from "./format";

interface Uploaded {
  id: string;
  name: string;
  cells: number;
  genes: number;
}

/**
 * Streams the file as the request body to `POST /api/datasets` (GraphQL carries no bytes). XHR,
 * not fetch: only XHR reports upload progress. The API validates with the engine's reader and
 * answers 422 with the reason when it cannot read the file.
 */
export function UploadForm({ teamId, onUploaded }: { teamId: string; onUploaded: (d: Uploaded) => void }) {
  const [progress, setProgress] = useState<{ sent: number; total: number } | null>(null);
  const [phase, setPhase] = useState<"idle" | "sending" | "validating">("idle");
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const xhrRef = useRef<XMLHttpRequest | null>(null);

  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const input = form.elements.namedItem("datasetFile") as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return setError("Choose a file first.");
    setError(null);
    setDone(null);
    setPhase("sending");
    setProgress({ sent: 0, total: file.size });
    const xhr = new XMLHttpRequest();
    xhrRef.current = xhr;
    xhr.open("POST", `/api/datasets?teamId=${encodeURIComponent(teamId)}&name=${encodeURIComponent(file.name)}`);
    xhr.setRequestHeader("content-type", "application/octet-stream");
    xhr.upload.onprogress = (ev) => setProgress({ sent: ev.loaded, total: ev.lengthComputable ? ev.total : file.size });
    xhr.upload.onload = () => setPhase("validating");
    xhr.onerror = () => {
      setPhase("idle");
      setError("The upload failed: the connection was lost.");
    };
    xhr.onabort = () => {
      setPhase("idle");
      setError("Upload cancelled.");
    };
    xhr.onload = () => {
      setPhase("idle");
      xhrRef.current = null;
      let body: { dataset?: Uploaded; errors?: { message: string }[] } = {};
      try {
        body = JSON.parse(xhr.responseText) as typeof body;
      } catch {
        // handled below
      }
      if (xhr.status === 201 && body.dataset) {
        setDone(`${body.dataset.name}: ${body.dataset.cells.toLocaleString()} cells × ${body.dataset.genes.toLocaleString()} genes`);
        form.reset();
        onUploaded(body.dataset);
      } else {
        setError(body.errors?.[0]?.message ?? `The upload failed (HTTP ${xhr.status}).`);
      }
    };
    xhr.send(file);
  }

  const pct = progress && progress.total ? Math.round((100 * progress.sent) / progress.total) : 0;
  return (
    <form onSubmit={submit} aria-labelledby="upload-title">
      <h3 id="upload-title">Upload a dataset</h3>
      <p className="muted">h5ad, 10x (.h5), loom, CSV/TSV (optionally gzipped) or scDeepCluster HDF5; the format is detected from the content.</p>
      <div className="inline">
        <div className="field">
          <label htmlFor="datasetFile">Dataset file</label>
          <input id="datasetFile" name="datasetFile" type="file" required disabled={phase !== "idle"} />
        </div>
        <button type="submit" disabled={phase !== "idle"}>
          Upload
        </button>
        {phase === "sending" ? (
          <button type="button" className="secondary" onClick={() => xhrRef.current?.abort()}>
            Cancel upload
          </button>
        ) : null}
      </div>
      {progress && phase !== "idle" ? (
        <div aria-live="polite">
          <label htmlFor="upload-progress">{phase === "sending" ? `Uploading… ${pct}% (${fmtBytes(progress.sent)} of ${fmtBytes(progress.total)})` : "Checking the file…"}</label>
          <progress id="upload-progress" max={100} value={phase === "sending" ? pct : undefined} />
        </div>
      ) : null}
      {done ? (
        <p role="status" className="notice">
          Uploaded {done}
        </p>
      ) : null}
      <ErrorText error={error} />
    </form>
  );
}
