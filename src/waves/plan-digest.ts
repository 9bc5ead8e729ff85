import { createHash } from "node:crypto";
import type { Wave } from "./plan.js";

/**
 * A short digest of the plan: each wave's number, kind, size and names in order. A later run
 * trusts the waves a deployment records only when its own plan has the same digest.
 */
export function planDigest(waves: readonly Wave[]): string {
  const hash = createHash("sha256");
  for (const wave of waves) {
    hash.update(`wave ${wave.number}${wave.canary ? " canary" : ""} ${wave.size}\n`);
    for (const piece of wave.lines()) hash.update(piece);
  }
  return `sha256:${hash.digest("hex").slice(0, 32)}`;
}
