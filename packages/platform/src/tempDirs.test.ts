import { spawn, spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { basename, join } from "node:path";
import { tmpdir } from "node:os";
import { afterAll, describe, expect, it } from "vitest";
import { createTempDir, sweepTempDirs } from "./tempDirs.ts";

const made: string[] = [];
afterAll(async () => {
  for (const d of made) await rm(d, { recursive: true, force: true });
});

describe("temp folders of a killed process", () => {
  it("are removed at the next start; a live process's and other folders are kept", async () => {
    const dir = await mkdtemp(join(tmpdir(), "temp-sweep-"));
    made.push(dir);
    // A process that ran and was killed, and one still running.
    const dead = spawnSync(process.execPath, ["-e", "process.kill(process.pid, 'SIGKILL')"]).pid;
    const live = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"]);
    try {
      for (const name of [`scfnccl-run-p${dead}-aaaaaa`, `scfnccl-upload-p${dead}-bbbbbb`, `scfnccl-run-p${live.pid}-cccccc`, `scfnccl-upload-p${process.pid}-dddddd`, "scfnccl-run-legacy", "other"]) {
        await mkdir(join(dir, name));
      }
      const removed = await sweepTempDirs(dir);
      expect(removed.map((p) => basename(p)).sort()).toEqual([`scfnccl-run-p${dead}-aaaaaa`, `scfnccl-upload-p${dead}-bbbbbb`]);
      expect((await readdir(dir)).sort()).toEqual(["other", `scfnccl-run-p${live.pid}-cccccc`, "scfnccl-run-legacy", `scfnccl-upload-p${process.pid}-dddddd`].sort());
    } finally {
      live.kill("SIGKILL");
    }
  });

  it("carry the owning process's id in their name", async () => {
    const d = await createTempDir("upload");
    made.push(d);
    expect(basename(d)).toMatch(new RegExp(`^scfnccl-upload-p${process.pid}-\\w{6}$`));
    await expect(createTempDir("../x")).rejects.toThrow(/kind '..\/x' must be lowercase letters/);
  });
});
