import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeviceListError } from "../../src/target/list-file/errors.js";
import { MAX_LINE_BYTES } from "../../src/target/list-file/line-rule.js";
import { CHUNK_BYTES } from "../../src/target/list-file/read-file.js";
import { scanDeviceList } from "../../src/target/list-file/scan.js";
import { md5Of, uploadedMd5, normalizedText, tempDir, writeList } from "./files.js";

// Files bigger than one read, with what matters placed right on the chunk boundaries.
let dir: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => (dir = await tempDir()));
afterAll(() => dir.remove());

/** Builds ASCII text with unique filler names so that `place()` lands at exact offsets. */
class ListBuilder {
  private text = "";
  private filler = 0;

  /** Fills with names up to `offset`, then appends `content` there. */
  place(offset: number, content: string): this {
    while (this.text.length < offset) {
      const remaining = offset - this.text.length;
      const name =
        remaining >= 14 ? `f-${String(++this.filler).padStart(9, "0")}` : "p".repeat(remaining - 1);
      this.text += `${name}\n`;
    }
    if (this.text.length !== offset)
      throw new Error(`placed at ${this.text.length}, not ${offset}`);
    this.text += content;
    return this;
  }

  build(): string {
    return this.text;
  }
}

describe("scanDeviceList across chunk boundaries", () => {
  it("a clean file with a name split by a boundary is uploaded as is", async () => {
    const text = new ListBuilder()
      .place(CHUNK_BYTES - 4, "split-name\n")
      .place(2 * CHUNK_BYTES + 100, "end\n")
      .build();
    const path = await writeList(dir.path("clean.txt"), text);
    const list = await scanDeviceList(path);
    expect(list.normalized).toBe(false);
    expect(await uploadedMd5(list)).toBe(md5Of(await readFile(path)));
    expect(list.size).toBe(text.length);
    expect(list.deviceCount).toBe(text.split("\n").length - 1);
  });

  it("CRLF split by one boundary, a name by another, blanks and spaces between", async () => {
    const text = new ListBuilder()
      .place(1000, "  padded  \r\n\n\n")
      .place(CHUNK_BYTES - 8, "crlf-01\r\n")
      .place(CHUNK_BYTES + 500, "\t\t\r\n")
      .place(2 * CHUNK_BYTES - 3, "across\r\n")
      .place(2 * CHUNK_BYTES + 10, "   \n   last-without-newline   ")
      .build();
    expect(text.charCodeAt(CHUNK_BYTES - 1)).toBe(13);
    expect(text.charCodeAt(CHUNK_BYTES)).toBe(10);
    const upload = normalizedText(text);
    const list = await scanDeviceList(await writeList(dir.path("messy.txt"), text));
    expect(list).toMatchObject({
      normalized: true,
      size: upload.length,
      deviceCount: upload.split("\n").length - 1,
    });
    expect(await uploadedMd5(list)).toBe(md5Of(upload));
  });

  it.each([
    { name: "a bad name split by the boundary", at: CHUNK_BYTES - 3, content: "bad name\n" },
    { name: "a bad name right after the boundary", at: CHUNK_BYTES, content: "bad name\n" },
    { name: "a bad name right before the boundary", at: CHUNK_BYTES - 9, content: "bad name\n" },
  ])("$name has the right line number", async ({ at, content }) => {
    const text = new ListBuilder()
      .place(at, content)
      .place(at + 1000, "end\n")
      .build();
    const line = text.slice(0, at).split("\n").length;
    const path = await writeList(dir.path("bad.txt"), text);
    const error: unknown = await scanDeviceList(path).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(DeviceListError);
    expect((error as DeviceListError).line).toBe(line);
    expect((error as DeviceListError).message).toContain(`Line ${line}: device name 'bad name'`);
  });

  it("finds a repeat in another chunk", async () => {
    const text = new ListBuilder()
      .place(10, "twice\n")
      .place(CHUNK_BYTES + 7, "twice\n")
      .build();
    const { duplicates } = await scanDeviceList(await writeList(dir.path("dups.txt"), text));
    const second = text.slice(0, CHUNK_BYTES + 7).split("\n").length;
    expect(duplicates.examples).toEqual([{ name: "twice", lines: [2, second] }]);
  });

  // A line may be padded up to MAX_LINE_BYTES, whether or not a boundary splits it.
  it.each([
    { name: "inside a chunk", at: 100, bytes: MAX_LINE_BYTES, valid: true },
    { name: "split by a boundary", at: CHUNK_BYTES - 500, bytes: MAX_LINE_BYTES, valid: true },
    { name: "one byte too long, inside", at: 100, bytes: MAX_LINE_BYTES + 1, valid: false },
    {
      name: "one byte too long, split",
      at: CHUNK_BYTES - 9,
      bytes: MAX_LINE_BYTES + 1,
      valid: false,
    },
  ])("a padded line of $bytes bytes $name", async ({ at, bytes, valid }) => {
    const padded = `${" ".repeat(bytes - 6)}padded\n`;
    const text = new ListBuilder()
      .place(at, padded)
      .place(CHUNK_BYTES + 70_000, "end\n")
      .build();
    const outcome = await scanDeviceList(await writeList(dir.path("padded.txt"), text)).then(
      async (list) => (await uploadedMd5(list)) === md5Of(normalizedText(text)),
      (error: unknown) => (error instanceof DeviceListError ? error.message : error),
    );
    expect(String(outcome)).toMatch(
      valid ? /^true$/ : /Line \d+: the line is longer than 65536 bytes/,
    );
  });
});
