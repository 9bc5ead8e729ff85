import { isUtf8 } from "node:buffer";
import { describe, expect, it } from "vitest";
import { deviceNameProblem } from "../../src/inputs/device-names.js";
import { LineProblem } from "../../src/target/list-file/errors.js";
import { ListNormalizer, SLACK_BYTES } from "../../src/target/list-file/normalize.js";

// Random small lists fed in random small chunks, so every line end, CR and multi-byte character
// falls on a chunk boundary somewhere, checked against a plain reference written with strings.

type Outcome = { upload: string; devices: number } | { line: number };

/** What the normalized upload of `bytes` should be, line by line with strings. */
function reference(bytes: Buffer): Outcome {
  const lines: Buffer[] = [];
  for (let start = 0; start <= bytes.length;) {
    const end = bytes.indexOf(10, start);
    lines.push(bytes.subarray(start, end === -1 ? bytes.length : end));
    start = end === -1 ? bytes.length + 1 : end + 1;
  }
  let upload = "";
  let devices = 0;
  for (const [index, raw] of lines.entries()) {
    if (!isUtf8(raw)) return { line: index + 1 };
    const name = raw.toString("utf8").trim();
    if (name === "") continue;
    if (deviceNameProblem(name) !== undefined) return { line: index + 1 };
    upload += `${name}\n`;
    devices++;
  }
  return { upload, devices };
}

function normalize(bytes: Buffer, random: () => number): Outcome {
  const pieces: Buffer[] = [];
  const normalizer = new ListNormalizer(64, (piece) => pieces.push(Buffer.from(piece)));
  try {
    for (let at = 0; at < bytes.length;) {
      const length = Math.min(1 + Math.floor(random() * 9), bytes.length - at);
      const chunk = Buffer.allocUnsafeSlow(length + SLACK_BYTES).fill(10);
      bytes.copy(chunk, 0, at, at + length);
      normalizer.feed(chunk, length);
      at += length;
    }
    normalizer.end();
  } catch (error) {
    if (error instanceof LineProblem) return { line: error.line };
    throw error;
  }
  const upload = Buffer.concat(pieces);
  expect(normalizer.changed).toBe(!upload.equals(bytes));
  return { upload: upload.toString("utf8"), devices: normalizer.devices };
}

const PARTS = ["a", "b", "dev-1", "Z9", " ", "\t", "\r", "\n", "\n", "\r\n", ",", "\u00e9"];
const RAW_PARTS = [Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from([0xff]), Buffer.from([0x01])];

/** A small random list: mostly names and line ends, some whitespace, now and then junk. */
function randomList(random: () => number): Buffer {
  const parts: Buffer[] = [];
  const count = Math.floor(random() * 40);
  for (let i = 0; i < count; i++) {
    const pick = random();
    if (pick < 0.03) parts.push(RAW_PARTS[Math.floor(random() * RAW_PARTS.length)]!);
    else parts.push(Buffer.from(PARTS[Math.floor(random() * PARTS.length)]!));
  }
  return Buffer.concat(parts);
}

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
}

describe("ListNormalizer against a string reference", () => {
  it("agrees on 3000 random lists fed in random chunks", () => {
    const random = seeded(20240611);
    for (let round = 0; round < 3000; round++) {
      const bytes = randomList(random);
      expect({ round, bytes, outcome: normalize(bytes, random) }).toEqual({
        round,
        bytes,
        outcome: reference(bytes),
      });
    }
  });

  it.each([
    { name: "a long run of names between chunk ends", text: "abc\n".repeat(50) },
    { name: "48-character names", text: `${"x".repeat(48)}\r\n${"y".repeat(48)}\n` },
    { name: "49-character name", text: `${"x".repeat(49)}\n` },
    { name: "CR LF right at the start", text: "\r\na\n" },
    { name: "blank lines only", text: "\n\r\n\n" },
  ])("$name", ({ text }) => {
    const bytes = Buffer.from(text);
    expect(normalize(bytes, seeded(7))).toEqual(reference(bytes));
  });
});
