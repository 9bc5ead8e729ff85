import { execFile } from "node:child_process";
import { mkdtemp, readdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/**
 * vitest global setup: rebuilds dist/ from src/ exactly as `npm run bundle` does, so the process
 * tests never run a stale bundle. The build goes to a fresh folder and each file is renamed into
 * dist/, so a test already running elsewhere never reads a half-written index.js.
 */
export default async function setup(): Promise<void> {
  const out = await mkdtemp(join(ROOT, "dist", ".build-"));
  try {
    await promisify(execFile)("npm", ["run", "-s", "bundle", "--", "--out", out], { cwd: ROOT });
    for (const name of await readdir(out)) await rename(join(out, name), join(ROOT, "dist", name));
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}
