/**
 * Text input, gzip-compressed or not (told apart by the gzip magic bytes, not the name), read line by
 * line as a stream so a large CSV or Matrix Market file is never held whole. Decompression and
 * encoding failures become InputErrors naming the file.
 */
import { parse as parseCsv } from "csv-parse/sync";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createGunzip } from "node:zlib";
import { InputError } from "../errors.ts";
import { readBytes } from "./inputFile.ts";

const GZIP_MAGIC = [0x1f, 0x8b];

export async function isGzip(path: string): Promise<boolean> {
  const head = await readBytes(path, 0, 2);
  return head.length === 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
}

/** Yields the lines of `path` (without "\n" or "\r\n"), decompressing gzip; onProgress gets the share of the file's bytes read. */
export async function* readLines(path: string, { signal, onProgress }: { signal?: AbortSignal; onProgress?: (fraction: number) => void } = {}): AsyncGenerator<string> {
  const gz = await isGzip(path);
  const size = (await stat(path)).size;
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  const stream = gz ? raw.pipe(createGunzip()) : raw;
  if (gz) raw.on("error", (e) => stream.destroy(e));
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let rest = "";
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      signal?.throwIfAborted();
      onProgress?.(Math.min(1, raw.bytesRead / size));
      const text = rest + decoder.decode(chunk, { stream: true });
      const lines = text.split("\n");
      rest = lines.pop()!;
      for (const line of lines) yield line.endsWith("\r") ? line.slice(0, -1) : line;
    }
    rest += decoder.decode();
  } catch (e) {
    if (e instanceof InputError || (e as Error).name === "AbortError") throw e;
    const err = e as NodeJS.ErrnoException;
    if (err.code?.startsWith("Z_") || /unexpected end of file/i.test(err.message)) {
      throw new InputError(`corrupt or truncated gzip data (${err.message})`, path);
    }
    if (err instanceof TypeError && /decode|encoded data/i.test(err.message)) throw new InputError("is not UTF-8 text", path);
    throw new InputError(`cannot read file (${err.code ?? err.message})`, path);
  } finally {
    stream.destroy();
    raw.destroy();
  }
  if (rest !== "") yield rest.endsWith("\r") ? rest.slice(0, -1) : rest;
}

/** All lines of a small text file. */
export async function readAllLines(path: string): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of readLines(path)) lines.push(line);
  while (lines.length > 0 && lines.at(-1) === "") lines.pop();
  return lines;
}

/** Splits one CSV/TSV line; fields may be double-quoted ("" inside quotes is a quote). */
export function splitFields(line: string, sep: string): string[] {
  if (!line.includes('"')) return line.split(sep);
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = "";
    if (line[i] === '"') {
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) {
          field += line.slice(i);
          i = line.length;
          break;
        }
        field += line.slice(i, q);
        if (line[q + 1] === '"') {
          field += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      const next = line.indexOf(sep, i);
      field += next < 0 ? line.slice(i) : line.slice(i, next);
      i = next < 0 ? line.length + 1 : next + sep.length;
    } else {
      const next = line.indexOf(sep, i);
      field = next < 0 ? line.slice(i) : line.slice(i, next);
      i = next < 0 ? line.length + 1 : next + sep.length;
    }
    fields.push(field);
    if (i > line.length) return fields;
  }
}

/** The separator of a delimited text: tab if the line has one, else comma (semicolon if only that appears). */
export function guessSeparator(line: string): string {
  if (line.includes("\t")) return "\t";
  if (line.includes(",")) return ",";
  if (line.includes(";")) return ";";
  return ",";
}

/**
 * A whole small table (label files, CSV/TSV, gzip or not) as rows of fields, parsed by csv-parse
 * so quoted fields may hold separators, quotes and line breaks; the separator is guessed from the
 * first line. Trailing empty lines are dropped.
 */
export async function readTable(path: string): Promise<string[][]> {
  const lines = await readAllLines(path);
  if (lines.length === 0) return [];
  return parseCsv(lines.join("\n"), { delimiter: guessSeparator(lines[0]!), relax_column_count: true, relax_quotes: true, skip_empty_lines: true, bom: true }) as string[][];
}
