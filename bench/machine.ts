// Where and on what the figures were measured: the machine, and the code the bundle was built from.
import { execFileSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join, relative } from "node:path";

/** The machine, with its load average (1, 5, 15 minutes) when the bench started and ended. */
export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  loadAtStart: number[];
  loadAtEnd?: number[];
}

export function machine(): Machine {
  const all = cpus();
  return {
    cpu: all[0]?.model.trim() ?? "unknown CPU",
    cores: all.length,
    memoryGiB: totalmem() / 2 ** 30,
    loadAtStart: loadavg(),
  };
}

/** The bundle measured: its size, and the commit it sits in, if it and src/ are unchanged. */
export interface BundleInfo {
  path: string;
  bytes: number;
  commit: string;
  /** `git status --porcelain` of src/ and dist/: non-empty when they differ from the commit. */
  changes: string[];
  /** A file of src/ modified after the bundle, when there is one (its content may not differ). */
  newerSource?: string;
}

export function bundleInfo(path: string, root: string): BundleInfo {
  const git = (...args: string[]) => execFileSync("git", args, { cwd: root, encoding: "utf8" });
  const bytes = statSync(path).size;
  const newerSource = newerThan(statSync(path).mtimeMs, join(root, "src"));
  return {
    path,
    bytes,
    commit: git("rev-parse", "--short", "HEAD").trim(),
    changes: git("status", "--porcelain", "--", "src", "dist").split("\n").filter(Boolean),
    ...(newerSource !== undefined && { newerSource: relative(root, newerSource) }),
  };
}

function newerThan(mtimeMs: number, dir: string): string | undefined {
  for (const file of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(file.parentPath, file.name);
    if (file.isFile() && statSync(path).mtimeMs > mtimeMs) return path;
  }
  return undefined;
}
