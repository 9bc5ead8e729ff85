import { describe, expect, it } from "vitest";
import { forLog, redact, registerSecret } from "../src/report/outside-text.js";

const TOKEN = "tok-0123456789abcdefghijklmnopqrstuvwxyz";
registerSecret(TOKEN);
registerSecret("key-abcdef99");

describe("redact", () => {
  it.each([
    { name: "a whole token", text: `token=${TOKEN};`, expected: "token=***;" },
    {
      name: "a token the server cut itself",
      text: `token=${TOKEN.slice(0, 20)}…`,
      expected: "token=***…",
    },
    { name: "a short start of a token is no token", text: "tok-0123", expected: "tok-0123" },
    {
      name: "an Authorization header",
      text: "got TC3-HMAC-SHA256 Credential=AKIDx/2026-11-25/iotvideo/tc3_request, SignedHeaders=content-type;host, Signature=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 end",
      expected: "got TC3-HMAC-SHA256 *** end",
    },
    {
      name: "a lone signature",
      text: "Signature=9f86d081884c7d659a2feaa0c55ad015",
      expected: "Signature=***",
    },
    { name: "a key twice", text: "key-abcdef99 and key-abcdef99", expected: "*** and ***" },
  ])("$name", ({ text, expected }) => {
    expect(redact(text)).toBe(expected);
  });
});

describe("forLog", () => {
  it.each([
    { name: "newlines escaped", text: "a\nb\r\nc", max: 50, expected: "a\\nb\\r\\nc" },
    { name: "workflow commands broken up", text: "::error::x", max: 50, expected: ": :error: :x" },
    { name: "v1 commands broken up", text: "x ##[error]y", max: 50, expected: "x # #[error]y" },
    {
      name: "line separators escaped",
      text: "a\u2028b\u0085c",
      max: 50,
      expected: "a\\u2028b\\u0085c",
    },
    { name: "quotes kept readable", text: 'say "hi"', max: 50, expected: 'say "hi"' },
    { name: "cut after escaping", text: "\n".repeat(10), max: 6, expected: "\\n\\n\\n…" },
    {
      name: "cut after redacting: no start of a secret survives",
      text: `${"x".repeat(10)}${TOKEN}`,
      max: 20,
      expected: `${"x".repeat(10)}***`,
    },
  ])("$name", ({ text, max, expected }) => {
    expect(forLog(text, max)).toBe(expected);
  });
});
