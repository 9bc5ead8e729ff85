import { execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deviceNameProblem } from "../../src/inputs/device-names.js";
import { DeviceListError } from "../../src/target/list-file/errors.js";
import { openProblem } from "../../src/target/list-file/read-file.js";
import { scanDeviceList } from "../../src/target/list-file/scan.js";
import { md5Of, uploadedMd5, tempDir, writeList } from "./files.js";

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => (dir = await tempDir()));
afterAll(() => dir.remove());

const NAME_48 = "n".repeat(48);
const CJK_48 = "設".repeat(48);

describe("scanDeviceList: files already in upload form", () => {
  it.each([
    { name: "LF lines", content: "dev-001\ndev-002\n", devices: 2 },
    { name: "one name", content: "a\n", devices: 1 },
    { name: "48 characters", content: `${NAME_48}\n`, devices: 1 },
    { name: "48 CJK characters (144 bytes)", content: `${CJK_48}\n`, devices: 1 },
    { name: "non-ASCII names", content: "カメラ-1\nдатчик_2\n", devices: 2 },
    { name: "punctuation a name may hold", content: "a.b_c-d:e@f\n!#$%\n", devices: 2 },
  ])("$name: uploaded as is", async ({ content, devices }) => {
    const path = await writeList(dir.path("clean.txt"), content);
    const list = await scanDeviceList(path);
    const bytes = await readFile(path);
    expect(list).toMatchObject({ path, deviceCount: devices, normalized: false });
    expect(await uploadedMd5(list)).toBe(md5Of(bytes));
    expect(list.size).toBe(bytes.length);
  });
});

describe("scanDeviceList: files that are normalized", () => {
  it.each([
    { name: "CRLF", content: "dev-001\r\ndev-002\r\n", upload: "dev-001\ndev-002\n" },
    { name: "no final newline", content: "dev-001\ndev-002", upload: "dev-001\ndev-002\n" },
    { name: "a CR at the very end", content: "dev-001\r", upload: "dev-001\n" },
    { name: "BOM", content: "\uFEFFdev-001\ndev-002\n", upload: "dev-001\ndev-002\n" },
    { name: "BOM on a line of its own", content: "\uFEFF\ndev-001\n", upload: "dev-001\n" },
    {
      name: "blank lines and surrounding whitespace",
      content: "\n  dev-001 \t\n\n\tdev-002\r\n   \n \r\n",
      upload: "dev-001\ndev-002\n",
    },
    { name: "trailing blanks without newline", content: "a\n \t ", upload: "a\n" },
    { name: "vertical tab and form feed", content: "\va\f\n", upload: "a\n" },
    { name: "no-break and ideographic spaces", content: "\u00a0a\u3000\n", upload: "a\n" },
    { name: "CRLF with non-ASCII", content: "カメラ\r\n", upload: "カメラ\n" },
  ])("$name", async ({ content, upload }) => {
    const path = await writeList(dir.path("messy.txt"), content);
    const list = await scanDeviceList(path);
    expect(list.normalized).toBe(true);
    expect(list.deviceCount).toBe(upload.split("\n").length - 1);
    expect(await uploadedMd5(list)).toBe(md5Of(upload));
    expect(list.size).toBe(Buffer.byteLength(upload));
  });
});

describe("scanDeviceList: lines that cannot be device names", () => {
  it.each([
    { name: "inner space", content: "ok\na b\n", line: 2, mentions: "'a b' contains whitespace" },
    { name: "inner tab", content: "a\tb\n", line: 1, mentions: "'a\\tb' contains whitespace" },
    { name: "comma", content: "a\nb\nc,d\n", line: 3, mentions: "'c,d' contains" },
    { name: "NUL", content: "a\u0000b\n", line: 1, mentions: "'a\\u0000b'" },
    { name: "DEL", content: "a\u007fb\n", line: 1, mentions: "control character" },
    { name: "C1 control", content: "a\u0085b\n", line: 1, mentions: "control character" },
    { name: "lone CR inside", content: "a\rb\n", line: 1, mentions: "'a\\rb'" },
    { name: "49 characters", content: `${NAME_48}x\n`, line: 1, mentions: "longer than 48" },
    { name: "49 CJK characters", content: `ok\n${CJK_48}設`, line: 2, mentions: "longer than 48" },
    { name: "no final newline", content: "a\nb c", line: 2, mentions: "'b c'" },
    {
      name: "a line over 64 KiB",
      content: `a\n${" ".repeat(70_000)}b\n`,
      line: 2,
      mentions: "65536",
    },
  ])("$name: line $line", async ({ content, line, mentions }) => {
    const path = await writeList(dir.path("bad.txt"), content);
    const error = await scanError(path);
    expect(error.line).toBe(line);
    expect(error.message).toContain(`Line ${line}: `);
    expect(error.message).toContain(mentions);
  });

  it("invalid UTF-8, with its line number", async () => {
    const bytes = Buffer.concat([Buffer.from("a\nb\n"), Buffer.from([0x63, 0xff, 0x0a])]);
    const error = await scanError(await writeList(dir.path("latin1.txt"), bytes));
    expect(error.message).toContain("Line 3: the line is not valid UTF-8 text");
  });

  it("UTF-16, as Windows PowerShell writes by default", async () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("dev-1\r\n", "utf16le")]);
    const error = await scanError(await writeList(dir.path("utf16.txt"), bytes));
    expect(error.message).toContain("Line 1: the file is UTF-16");
  });

  it("a truncated multi-byte character at the end of the file", async () => {
    const bytes = Buffer.concat([Buffer.from("a\n"), Buffer.from("設").subarray(0, 2)]);
    const error = await scanError(await writeList(dir.path("cut.txt"), bytes));
    expect(error.line).toBe(2);
  });

  // The fast path decides by byte class; the rule lives in deviceNameProblem. They must agree.
  // The names deviceNameProblem takes go in one file, which must scan whole; a scan stops at the
  // first bad line, so each name it refuses gets a file of its own (34 files, not 127).
  it("every ASCII character is judged as deviceNameProblem judges it", async () => {
    const names = Array.from({ length: 128 }, (_, code) => `ab${String.fromCharCode(code)}cd`);
    const valid = names.filter(
      (name, code) => code !== 10 && deviceNameProblem(name) === undefined,
    );
    const invalid = names.filter(
      (name, code) => code !== 10 && deviceNameProblem(name) !== undefined,
    );
    expect(valid.length + invalid.length).toBe(127);
    const all = await scanDeviceList(
      await writeList(dir.path("ascii.txt"), `${valid.join("\n")}\n`),
    );
    expect(all.deviceCount).toBe(valid.length);
    for (const name of invalid) {
      const path = await writeList(dir.path("ascii.txt"), `first\n${name}\n`);
      expect((await scanError(path)).line, `code ${name.charCodeAt(2)}`).toBe(2);
    }
  });
});

describe("scanDeviceList: files that cannot be used", () => {
  it.each([
    { name: "empty", content: "", mentions: "The file is empty" },
    { name: "only blank lines", content: "\n \r\n\t\n", mentions: "no device names" },
    { name: "only a BOM", content: "\uFEFF", mentions: "no device names" },
  ])("$name", async ({ content, mentions }) => {
    const error = await scanError(await writeList(dir.path("nothing.txt"), content));
    expect(error.message).toContain(mentions);
    expect(error.line).toBeUndefined();
  });

  it("a missing file", async () => {
    const error = await scanError(dir.path("missing.txt"));
    expect(error.message).toContain("The file does not exist");
  });

  it("a directory", async () => {
    const error = await scanError(dir.path(""));
    expect(error.message).toContain("This is a directory");
  });

  it.skipIf(process.platform === "win32")(
    "a named pipe, without waiting for a writer",
    async () => {
      const path = dir.path("pipe");
      execFileSync("mkfifo", [path]);
      const error = await scanError(path);
      expect(error.message).toContain("This is not a regular file");
    },
  );

  it("a path through a file", async () => {
    const file = await writeList(dir.path("plain.txt"), "a\n");
    const error = await scanError(`${file}/list.txt`);
    expect(error.message).toContain("A part of the path is not a directory");
  });

  // Root (as in CI) reads any file whatever its mode, so a real EACCES cannot be staged here:
  // the wording for it is checked on the error code itself.
  it.each([
    { code: "EACCES", says: "permission denied" },
    { code: "EPERM", says: "permission denied" },
    { code: "ELOOP", says: "cannot be opened" },
  ])("an open failing with $code says $says", ({ code, says }) => {
    expect(openProblem(Object.assign(new Error(code), { code }))).toContain(says);
  });
});

describe("DeviceListError messages", () => {
  it("are one line under 400 characters, name the input and the file, quote safely", async () => {
    const path = await writeList(dir.path("fleet.txt"), `ok\n${"\u0001".repeat(300)}\n`);
    const error = await scanError(path);
    expect(error.message).toMatch(/^Invalid input 'device-list': '.*fleet\.txt'\. Line 2: /);
    expect(error.message).toContain("Expected a UTF-8 file with one device name per line (");
    expect(error.message).not.toContain("\n");
    expect(error.message.length).toBeLessThan(400);
    expect(error.input).toBe("device-list");
  });
});

describe("scanDeviceList: duplicates", () => {
  it("reports repeated names with the line they first appeared on", async () => {
    const path = await writeList(dir.path("dups.txt"), "a\nb\na\nc\n b\r\na\n");
    const { duplicates, deviceCount } = await scanDeviceList(path);
    expect(deviceCount).toBe(6);
    expect(duplicates).toEqual({
      count: 3,
      names: 2,
      examples: [
        { name: "a", lines: [1, 3] },
        { name: "b", lines: [2, 5] },
        { name: "a", lines: [1, 6] },
      ],
      checked: 6,
      complete: true,
    });
  });

  it("reports none when every name differs", async () => {
    const path = await writeList(dir.path("unique.txt"), "a\nab\nabc\nabcd\nabcde\nba\n");
    const { duplicates } = await scanDeviceList(path);
    expect(duplicates).toMatchObject({ count: 0, names: 0, examples: [], complete: true });
  });
});

async function scanError(path: string): Promise<DeviceListError> {
  const error: unknown = await scanDeviceList(path).then(
    () => new Error("expected scanDeviceList to fail"),
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(DeviceListError);
  return error as DeviceListError;
}
