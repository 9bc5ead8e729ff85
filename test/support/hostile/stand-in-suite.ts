// The life every upload stand-in test file shares: a temporary directory for its lists, one
// undici Agent for its uploads, and the stand-ins a test started, closed after that test.
import { Agent } from "undici";
import { afterAll, afterEach, beforeAll } from "vitest";
import { tempDir } from "../../device-list/files.js";
import type { StandIn } from "./upload-stand-ins.js";

export interface StandInSuite {
  dispatcher: Agent;
  /** Stand-ins to close after the current test. */
  standIns: StandIn[];
  /** A path in the suite's directory (available from beforeAll on). */
  path: (name: string) => string;
}

/** Registers the hooks; call once at the top of a test file. */
export function standInSuite(): StandInSuite {
  let dir: Awaited<ReturnType<typeof tempDir>> | undefined;
  const suite: StandInSuite = {
    dispatcher: new Agent({ connectTimeout: 5_000 }),
    standIns: [],
    path: (name) => {
      if (dir === undefined) throw new Error("standInSuite: no directory before beforeAll");
      return dir.path(name);
    },
  };
  beforeAll(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    for (const standIn of suite.standIns.splice(0)) await standIn.close();
  });
  afterAll(async () => {
    await suite.dispatcher.close();
    await dir?.remove();
  });
  return suite;
}
