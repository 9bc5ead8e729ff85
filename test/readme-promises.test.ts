import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// The promises (docs/promises.md) name the tests that hold them: each file named must exist, and each
// test or group named after a file must be in that file, so a renamed test cannot leave a
// promise without its proof.
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const section = readFileSync(`${ROOT}docs/promises.md`, "utf8");
const rows = section.split("\n").filter((line) => line.startsWith("| **"));
const named = rows.flatMap((row) =>
  [...row.split("|")[2]!.matchAll(/`([\w/-]+\.test\.ts)`(?: \("([^"]+)"[^)]*\))?/g)].map(
    ([, file, test]) => ({ file: file!, test }),
  ),
);

describe("the promises", () => {
  it("are there, each with a test", () => {
    expect(rows.length).toBeGreaterThanOrEqual(10);
    for (const row of rows) expect(row.split("|")[2], row).toMatch(/\.test\.ts/);
  });

  it.each(named)("$file holds $test", ({ file, test }) => {
    const path = `${ROOT}test/${file}`;
    expect(existsSync(path), path).toBe(true);
    expect(readFileSync(path, "utf8")).toContain(test ?? "");
  });
});
