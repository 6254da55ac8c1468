"use client";
import { createSHA256 } from "hash-wasm";
import Link from "next/link";
import { useRef, useState, type FormEvent } from "react";
import type { DatasetRow } from "../graphql/operations";
import { ErrorText } from "./Field";
import { fmtBytes, fmtDate } from "./format";

interface Uploaded {
  id: string;
  name: string;
  cells: number;
  genes: number;
}

/**
 * SHA-256 of a file read in slices (the API's checksum of the same bytes), so a file already in the
 * team is found before it is sent. hash-wasm: incremental, and it works outside secure contexts,
 * where crypto.subtle does not exist.
 */
async function sha256(file: File, onProgress: (done: number) => void): Promise<string> {
  const h = await createSHA256();
  const step = 8 << 20;
  for (let at = 0; at < file.size; at += step) {
    h.update(new Uint8Array(await file.slice(at, at + step).arrayBuffer()));
    onProgress(Math.min(file.size, at + step));
  }
  return h.digest("hex");
}

/**
 * Before sending, the file's checksum is compared with the team's datasets: the same bytes again
 * is said, with a link to the dataset that has them, and uploaded only when the user confirms.
 * Streams the file as the request body to `POST /api/datasets` (GraphQL carries no bytes). XHR,
 * not fetch: only XHR reports upload progress. The API validates with the engine's reader and
 * answers 422 with the reason when it cannot read the file.
 */
export function UploadForm({ teamId, existing, onUploaded }: { teamId: string; existing: DatasetRow[]; onUploaded: (d: Uploaded) => void }) {
  const [progress, setProgress] = useState<{ sent: number; total: number } | null>(null);
  const [phase, setPhase] = useState<"idle" | "hashing" | "sending" | "validating">("idle");
  const [duplicate, setDuplicate] = useState<{ of: DatasetRow; file: File; form: HTMLFormElement } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const xhrRef = useRef<XMLHttpRequest | null>(null);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const input = form.elements.namedItem("datasetFile") as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return setError("Choose a file first.");
    setError(null);
    setDone(null);
    setDuplicate(null);
    if (existing.length) {
      setPhase("hashing");
      setProgress({ sent: 0, total: file.size });
      try {
        const sum = await sha256(file, (done) => setProgress({ sent: done, total: file.size }));
        const of = existing.find((d) => d.checksum === sum);
        if (of) {
          setPhase("idle");
          return setDuplicate({ of, file, form });
        }
      } catch (err) {
        // The check is a convenience: when the file cannot be hashed here, upload as before.
        console.warn("checksum before upload failed", err);
      }
    }
    send(file, form);
  }

  function send(file: File, form: HTMLFormElement) {
    // Empty = let the API guess from the gene symbols' case (CD14 human, Cd14 mouse).
    const organism = (form.elements.namedItem("organism") as HTMLSelectElement | null)?.value ?? "";
    setDuplicate(null);
    setPhase("sending");
    setProgress({ sent: 0, total: file.size });
    const xhr = new XMLHttpRequest();
    xhrRef.current = xhr;
    xhr.open("POST", `/api/datasets?teamId=${encodeURIComponent(teamId)}&name=${encodeURIComponent(file.name)}${organism ? `&organism=${organism}` : ""}`);
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
    <form onSubmit={(e) => void submit(e)} aria-labelledby="upload-title">
      <h3 id="upload-title">Upload a dataset</h3>
      <p className="muted">h5ad, 10x (.h5), loom, CSV/TSV (optionally gzipped) or scDeepCluster HDF5; the format is detected from the content.</p>
      <div className="inline">
        <div className="field">
          <label htmlFor="datasetFile">Dataset file</label>
          <input id="datasetFile" name="datasetFile" type="file" required disabled={phase !== "idle"} />
        </div>
        <div className="field">
          <label htmlFor="organism">Organism</label>
          <select id="organism" name="organism" defaultValue="" disabled={phase !== "idle"}>
            <option value="">guess from the gene names</option>
            <option value="human">human</option>
            <option value="mouse">mouse</option>
            <option value="other">other</option>
          </select>
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
          <label htmlFor="upload-progress">
            {phase === "hashing" ? `Comparing with the team's datasets… ${pct}%` : phase === "sending" ? `Uploading… ${pct}% (${fmtBytes(progress.sent)} of ${fmtBytes(progress.total)})` : "Checking the file…"}
          </label>
          <progress id="upload-progress" max={100} value={phase === "validating" ? undefined : pct} />
        </div>
      ) : null}
      {duplicate ? (
        <div role="alert" className="notice" data-testid="duplicate-upload">
          <p style={{ marginTop: 0 }}>
            This file is already in the team: <Link href={`/datasets/${duplicate.of.id}`}>{duplicate.of.name}</Link> has the same content (SHA-256), uploaded {fmtDate(duplicate.of.createdAt)} by {duplicate.of.uploader.name}.
          </p>
          <p className="inline" style={{ marginBottom: 0 }}>
            <Link className="button" href={`/datasets/${duplicate.of.id}`}>
              Open {duplicate.of.name}
            </Link>
            <button type="button" className="secondary" onClick={() => send(duplicate.file, duplicate.form)}>
              Upload a copy anyway
            </button>
          </p>
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
