// `npm run emulator -- --help` names every flag, device outcome (with its status codes), fault
// type and fault target the emulator knows, and the sample values; the real CLI prints it.
import { afterEach, describe, expect, it } from "vitest";
import { FLAGS } from "./cli-flags.js";
import { helpText } from "./cli-help.js";
import { FAULT_FIELDS } from "./faults.js";
import { OUTCOME_PATHS, SAMPLE_PRODUCT_ID, TEST_CREDENTIALS } from "./index.js";
import { FAULT_TARGETS } from "./server.js";
import { spawnCli, stopCliProcesses } from "./spawn-cli.js";

afterEach(stopCliProcesses);

const help = helpText();
const lines = help.split("\n");

/** The line that starts (after two spaces) with `term` and then a space. */
function lineOf(term: string): string | undefined {
  return lines.find((line) => line.startsWith(`  ${term} `));
}

describe("the emulator's --help", () => {
  it.each(Object.keys(FLAGS))("names --%s with what it does", (name) => {
    const flag = new RegExp(`^  (-\\w, )?--${name}( \\S+)? {2,}\\S`);
    expect(
      lines.filter((line) => flag.test(line)),
      name,
    ).toHaveLength(1);
  });

  it.each(Object.entries(OUTCOME_PATHS))("names outcome %s with its status codes", (name, path) => {
    const codes = path.map((code) => `${code} [a-z ]+`).join(" → ");
    expect(lineOf(name), name).toMatch(new RegExp(`^  ${name}\\s+${codes}[;(]`));
  });

  it.each(Object.keys(FAULT_FIELDS))("names fault type %s", (type) => {
    expect(lineOf(type), type).toMatch(new RegExp(`^  ${type} (\\{[^}]*\\})? +\\S`));
  });

  it("names every fault target, the sample product, its keys and an example", () => {
    const targets = help.slice(help.indexOf("TARGET is one of")).split(/[\s,]+/);
    for (const target of FAULT_TARGETS) expect(targets, target).toContain(target);
    expect(help).toContain(`Product:   ${SAMPLE_PRODUCT_ID}`);
    expect(help).toContain(TEST_CREDENTIALS.secretId);
    expect(help).toContain(TEST_CREDENTIALS.secretKey);
    expect(help).toMatch(/Example:\n {2}npm run emulator -- --device \S+=fail --fault \S+=/);
  });

  it.each(["--help", "-h"])("is what `npm run emulator -- %s` prints, exiting 0", async (flag) => {
    const started = spawnCli([flag]);
    expect(await started.exited).toBe(0);
    expect(started.stdout()).toBe(`${help}\n`);
    expect(started.stderr()).toBe("");
  });
});
