// What the bundle loads at start and what each part costs: small ncc bundles of the packages the
// action imports, built at bench time, each run as a process that only loads them (cold.ts times
// them alongside the action). A bundle of @actions/core alone is the floor: the action keeps it,
// and it brings undici, whose evaluation starts the llhttp wasm compile that Node waits for.
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const NCC = join(ROOT, "node_modules", ".bin", "ncc");

/** The parts measured; `id` is how the summary finds them. */
export const LOADS = [
  { id: "core", name: "@actions/core", packages: ["@actions/core"] },
  { id: "undici", name: "undici", packages: ["undici"] },
  {
    id: "core+github",
    name: "@actions/core + @actions/github",
    packages: ["@actions/core", "@actions/github"],
  },
] as const;

export type LoadId = (typeof LOADS)[number]["id"];

/**
 * The action as it would be without src/v8-flags.ts: V8's default wasm tiering, so the cold
 * section shows what that one line saves.
 */
export const DEFAULT_TIERING_LABEL = "V8's default wasm tiering (no src/v8-flags.ts)";

/** One built bundle that loads some packages and exits. */
export interface LoadBundle {
  id: LoadId;
  name: string;
  path: string;
  bytes: number;
}

/**
 * Builds one bundle per part into a fresh directory under `dataDir` (inside the repository, so
 * the entries resolve packages from its node_modules), the same way `npm run bundle` builds the
 * action. Returns the bundles and a function that removes them.
 */
export async function buildLoads(
  dataDir: string,
): Promise<{ loads: LoadBundle[]; defaultTiering: string; remove: () => Promise<void> }> {
  await mkdir(dataDir, { recursive: true });
  const dir = await mkdtemp(join(dataDir, "evaluation-"));
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    const loads: LoadBundle[] = [];
    for (const load of LOADS) {
      const entry = join(dir, `${load.id}.js`);
      await writeFile(entry, entrySource(load.packages));
      const out = join(dir, load.id);
      await ncc(entry, out);
      const path = join(out, "index.js");
      loads.push({ id: load.id, name: load.name, path, bytes: (await stat(path)).size });
    }
    const entry = join(dir, "default-tiering.js");
    const main = join(ROOT, "src", "main.ts");
    await writeFile(entry, `import { run } from ${JSON.stringify(main)};\nawait run();\n`);
    await ncc(entry, join(dir, "default-tiering"));
    return { loads, defaultTiering: join(dir, "default-tiering", "index.js"), remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

// Each namespace is used, so the bundler keeps every module the package's entry evaluates.
function entrySource(packages: readonly string[]): string {
  const names = packages.map((_, i) => `part${i}`);
  return [
    ...packages.map((pkg, i) => `import * as ${names[i]} from "${pkg}";`),
    `globalThis.benchLoaded = [${names.join(", ")}];`,
    "",
  ].join("\n");
}

function ncc(entry: string, out: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const args = ["build", entry, "-o", out, "--quiet", "--target", "es2022"];
    const child = spawn(NCC, args, { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve();
      else reject(new Error(`ncc build ${entry} exited ${code}: ${stderr.trim()}`));
    });
  });
}
