import { writeFile } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { scanDeviceList } from "../../src/target/list-file/scan.js";
import { storeError, uploadDeviceList } from "../../src/target/list-file/upload.js";
import { TransportError } from "../../src/run/errors.js";
import { registerSecret } from "../../src/report/outside-text.js";
import { classify } from "../../src/http/retry.js";
import { writeList } from "../device-list/files.js";
import {
  startApiStandIn,
  startUploadTarget,
  rolloutFleet,
} from "../support/hostile/upload-stand-ins.js";
import { standInSuite } from "../support/hostile/stand-in-suite.js";

// What the object store or CreateTaskFileUrl says reaches the log as data: on one line, with
// no workflow command in it and none of our secrets.

const SECRET = "keytest123456-very-secret";
const INJECTED = "\n::error::injected\n::set-output name=x::y";

const { dispatcher, standIns, path } = standInSuite();

beforeAll(() => {
  registerSecret(SECRET);
});

function expectDefused(text: string): void {
  expect(text).not.toMatch(/[\r\n]/);
  expect(text).not.toContain("::");
  expect(text).not.toContain(SECRET.slice(0, 12));
}

describe("a store's error answer", () => {
  it.each([
    {
      name: "an XML error with a command in its Code and a secret in its Message",
      body: `<Error><Code>AccessDenied${INJECTED}</Code><Message>signed with ${SECRET}${INJECTED}</Message></Error>`,
      shown: "HTTP 403: AccessDenied\\n: :error: :injected",
    },
    {
      name: "a body that is not XML",
      body: `<html>${INJECTED} ${SECRET} ##[error]x</html>`,
      shown: "HTTP 403: <html> : :error: :injected",
    },
  ])("is shown escaped and redacted: $name", async ({ body, shown }) => {
    const store = await startUploadTarget({ kind: "answer", status: 403, body });
    standIns.push(store);
    const scanned = await scanDeviceList(await writeList(path("a.txt"), "cam-1\n"));
    const error: unknown = await uploadDeviceList(scanned, `${store.url}/obj`, {
      dispatcher,
      timeoutMs: 5_000,
    }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(Error);
    const { message } = error as Error;
    expectDefused(message);
    expect(message).toContain(shown);
    expect(message).not.toContain("##[");
  });

  it("is a redirect refused at once, naming its Location defused", async () => {
    const location = `http://elsewhere.example/${SECRET}?x=::error::y##[group]`;
    const store = await startUploadTarget({ kind: "answer", status: 307, location });
    standIns.push(store);
    const scanned = await scanDeviceList(await writeList(path("a.txt"), "cam-1\n"));
    const error: unknown = await uploadDeviceList(scanned, `${store.url}/obj`, {
      dispatcher,
      timeoutMs: 5_000,
    }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(TransportError);
    expectDefused((error as Error).message);
    expect((error as Error).message).toBe(
      "device-list upload failed: HTTP 307 redirect to http://elsewhere.example/***?x=: :error: :y# #[group]; redirects are not followed",
    );
    expect(classify(error)).toBe("fail");
  });

  it("keeps Code and Message short, whatever their length", () => {
    const shown = storeError(
      `<Error><Code>${"C".repeat(200)}</Code><Message>${"m".repeat(200)}</Message></Error>`,
    );
    expect(shown.length).toBeLessThan(300);
  });
});

describe("through the bundled action", () => {
  it("logs the FileName from CreateTaskFileUrl escaped", async () => {
    const store = await startUploadTarget({ kind: "answer" });
    const api = await startApiStandIn(`${store.url}/obj?sign=x`, `f1${INJECTED}`);
    standIns.push(store, api);
    await writeFile(path("fleet.txt"), "cam-1\ncam-2\n");
    const run = await rolloutFleet(path(""), api.url, {
      "request-timeout": "5",
      "max-attempts": "1",
    });
    const line = run.stdout.split("\n").find((text) => text.startsWith("Device list fleet.txt:"));
    expect(line).toContain("uploaded as f1\\n: :error: :injected\\n: :set-output name=x: :y.");
    expect(run.stdout).not.toMatch(/^::error::injected/m);
    expect(run.stdout).not.toMatch(/^::set-output/m);
    expect(api.actions).toContain("BatchUpdateFirmware");
  });
});
