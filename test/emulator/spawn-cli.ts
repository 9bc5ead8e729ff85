// Test-side helpers to run the real emulator CLI (node --import tsx cli.ts) as a process and
// wait for what it prints; never for a length of time.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { TEST_CREDENTIALS } from "./index.js";
import type { Target } from "./test-client.js";

const CLI = fileURLToPath(new URL("./cli.ts", import.meta.url));

/** A started CLI: its output so far, and its exit code once it exits. */
export interface StartedCli {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

const children: ChildProcess[] = [];

/** Starts the CLI with `args`; stopCliProcesses() ends it if the test does not. */
export function spawnCli(args: string[]): StartedCli {
  const child = spawn(process.execPath, ["--import", "tsx", CLI, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  let err = "";
  child.stdout?.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => (err += chunk.toString("utf8")));
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** For afterEach: SIGTERM to every CLI still running. */
export function stopCliProcesses(): void {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGTERM");
}

/** Resolves with the banner once the CLI says it listens; rejects if it exits first. */
export async function banner(started: StartedCli): Promise<string> {
  const ready = new Promise<string>((resolve) => {
    const check = () => {
      if (started.stdout().includes("Ctrl-C to stop.")) resolve(started.stdout());
    };
    started.child.stdout?.on("data", check);
    check();
  });
  const early = started.exited.then((code) => {
    throw new Error(`the CLI exited (${code}): ${started.stderr()}`);
  });
  return Promise.race([ready, early]);
}

/** The emulator a banner announces, with the test keys it always accepts. */
export function targetOf(bannerText: string): Target {
  const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(bannerText)?.[1];
  if (url === undefined) throw new Error(`no URL in the banner: ${bannerText}`);
  return { url, credentials: TEST_CREDENTIALS };
}
