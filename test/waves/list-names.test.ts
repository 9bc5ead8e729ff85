import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scanDeviceList } from "../../src/target/list-file/scan.js";
import { listNames } from "../../src/waves/list-names.js";
import { NameList } from "../../src/waves/name-list.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "list-names-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The names a wave rollout takes from a list file with this content. */
async function namesOf(content: string): Promise<string[]> {
  const path = join(dir, `list-${Math.random().toString(36).slice(2)}.txt`);
  await writeFile(path, content);
  const list = await listNames(await scanDeviceList(path));
  return Array.from({ length: list.count }, (_, i) => list.name(i));
}

describe("listNames", () => {
  it.each([
    {
      name: "clean, LF-ended",
      content: "cam-1\ncam-2\ncam-3\n",
      names: ["cam-1", "cam-2", "cam-3"],
    },
    { name: "no LF after the last name", content: "cam-1\ncam-2", names: ["cam-1", "cam-2"] },
    {
      name: "CRLF, blank lines and spaces (normalized as uploaded)",
      content: "\r\n  cam-1 \r\n\r\ncam-2\r\n",
      names: ["cam-1", "cam-2"],
    },
    { name: "a single name", content: "only", names: ["only"] },
    { name: "UTF-8 names", content: "Kamera-ü\n摄像头-2\n", names: ["Kamera-ü", "摄像头-2"] },
  ])("$name", async ({ content, names }) => {
    expect(await namesOf(content)).toEqual(names);
  });
});

describe("NameList", () => {
  it("writes the picked names as an LF-ended list, in the order picked", () => {
    const list = NameList.fromStrings(["a", "bb", "ccc"]);
    expect(list.linesOf(Uint32Array.from([2, 0])).toString()).toBe("ccc\na\n");
    expect(list.bytes(1).toString()).toBe("bb");
    expect(list.count).toBe(3);
  });
});
