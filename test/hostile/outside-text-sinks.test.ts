import { describe, expect, it } from "vitest";
import {
  forLog,
  forOutput,
  forSummary,
  redact,
  registerSecret,
} from "../../src/report/outside-text.js";
import { hostileStrings } from "../support/hostile/hostile-strings.js";
import { asHtmlText, renderGfm } from "../support/markdown.js";

// Property tests of the three sinks' rules: 3,000 seeded hostile strings (workflow commands,
// line breaks, Markdown links and images, autolinks, shell syntax, our own secret and its
// cut-off start, random code units) through each rule, and what each sink must never receive
// checked on all. A failure names the case: hostileStrings(17, …)[i].
const SECRET = "hostileSecret0123456789abcdef";
registerSecret(SECRET);
const SECRET_START = SECRET.slice(0, 12);
const CASES = hostileStrings(17, 3000, [SECRET, SECRET.slice(0, 15), `x${SECRET.slice(0, 20)}`]);
const MAX = 200;

// Line breaks as any reader may see them, the other C0 controls, DEL and the C1 controls.
const RAW_CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

describe("the log's rule (forLog)", () => {
  it("never lets a workflow command, a line break or our secret through", () => {
    for (const [i, text] of CASES.entries()) {
      const line = forLog(text, MAX);
      const which = `case ${i}: ${JSON.stringify(text)} gave ${JSON.stringify(line)}`;
      expect(line, which).not.toMatch(RAW_CONTROL);
      expect(line, which).not.toContain("##[");
      expect(line, which).not.toContain("::");
      expect(line, which).not.toContain(SECRET_START);
      expect(line.length, which).toBeLessThanOrEqual(MAX + 1);
    }
  });
});

describe("the summary's rule (forSummary)", () => {
  it("renders as the log's one line exactly, in a table cell and after a label: no markup", () => {
    for (const [i, text] of CASES.entries()) {
      const cell = forSummary(text, MAX);
      const which = `case ${i}: ${JSON.stringify(text)} gave ${JSON.stringify(cell)}`;
      const shown = asHtmlText(forLog(text, MAX));
      const table = renderGfm(`| a | b |\n|---|---|\n| x | ${cell} |\n`);
      expect(table, which).toContain(`<td>x</td>\n<td>${shown.trim()}</td>\n</tr>`);
      const line = renderGfm(`**What failed:** ${cell}\n`);
      expect(line, which).toBe(`${`<p><strong>What failed:</strong> ${shown}`.trimEnd()}</p>\n`);
    }
  });

  it("a link, an image, an autolink, a bare URL and an address stay text", () => {
    const hostile =
      "[x](https://e.example) ![](https://e.example/p.png) <https://e.example> https://e.example www.e.example a@e.example";
    expect(renderGfm(`| x | ${forSummary(hostile, MAX)} |\n|---|---|\n`)).not.toMatch(/<a |<img /);
    // The control: the same text without the rule is live five times over.
    expect(renderGfm(hostile).match(/<a |<img /g)).toHaveLength(6);
  });
});

describe("the outputs' rule (forOutput)", () => {
  it("keeps nothing a shell or a line-based reader acts on, and reads back", () => {
    for (const [i, text] of CASES.entries()) {
      const value = forOutput(text);
      const which = `case ${i}: ${JSON.stringify(text)} gave ${JSON.stringify(value)}`;
      // Only the cut adds something else: its ellipsis.
      expect(value, which).toMatch(/^[A-Za-z0-9._:/+=,@\\-]*…?$/);
      expect(value, which).not.toContain(SECRET_START);
      const decoded = value.replace(/\\u([0-9a-f]{4})/g, (_, hex: string) =>
        String.fromCharCode(parseInt(hex, 16)),
      );
      expect(decoded, which).toBe(redact(text));
    }
  });

  it("leaves values of our own as they are", () => {
    const ours = [
      "42",
      "1,2,3",
      "failed",
      "d41d8cd98f00b204e9800998ecf8427e",
      "6d1c7a2e-0b1f-4a56-9d3c-2a7c1f0e9b11",
      "111111_ABCDE12345_1586228400",
    ];
    expect(ours.map(forOutput)).toEqual(ours);
  });
});
