import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const STAMP = join(ROOT, "node_modules", ".cache", "rollout-bundle.json");

/**
 * vitest global setup: dist/ is rebuilt from src/ exactly as `npm run bundle` does, so the
 * process tests never run a stale bundle. A build is skipped only when neither src/, the lock
 * file nor dist/index.js changed since the last one this setup made (a stamp of their hashes).
 * The build goes to a fresh folder and each file is renamed into dist/, so a test already
 * running elsewhere never reads a half-written index.js.
 */
export default async function setup(): Promise<void> {
  const inputs = await inputsHash();
  const stamp = await readFile(STAMP, "utf8").then(
    (text) => JSON.parse(text) as { inputs: string; bundle: string },
    () => undefined,
  );
  if (stamp?.inputs === inputs && stamp.bundle === (await bundleHash())) return;
  const out = await mkdtemp(join(ROOT, "dist", ".build-"));
  try {
    await promisify(execFile)("npm", ["run", "-s", "bundle", "--", "--out", out], { cwd: ROOT });
    const built = await readdir(out);
    for (const name of built) await rename(join(out, name), join(ROOT, "dist", name));
    // A chunk an older build split off (Octokit's, under another number) is not left behind.
    for (const name of await readdir(join(ROOT, "dist"))) {
      if (name.endsWith(".js") && !built.includes(name)) await rm(join(ROOT, "dist", name));
    }
  } finally {
    await rm(out, { recursive: true, force: true });
  }
  await mkdir(join(ROOT, "node_modules", ".cache"), { recursive: true });
  await writeFile(STAMP, JSON.stringify({ inputs, bundle: await bundleHash() }));
}

/** What the bundle is built from: every file under src/, the lock file and package.json. */
async function inputsHash(): Promise<string> {
  const hash = createHash("sha256");
  const files = [
    ...(await readdir(join(ROOT, "src"), { recursive: true, withFileTypes: true }))
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name)),
    join(ROOT, "package.json"),
    join(ROOT, "package-lock.json"),
  ].sort();
  for (const file of files)
    hash
      .update(relative(ROOT, file))
      .update("\0")
      .update(await readFile(file));
  return hash.digest("hex");
}

async function bundleHash(): Promise<string> {
  const text = await readFile(join(ROOT, "dist", "index.js")).catch(() => Buffer.alloc(0));
  return createHash("sha256").update(text).digest("hex");
}
