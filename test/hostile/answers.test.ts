import { describe, expect, it } from "vitest";
import { runInProcess } from "../support/in-process.js";
import { runAction, type ActionRun } from "../support/run-action.js";
import { answer, startStandIn, type StandIn } from "../support/hostile/api-stand-in.js";

// What the server sends back is data, never a command and never a way to print our secrets;
// and how it asks to be retried (Retry-After, redirects, huge or trickled answers) is bounded.
const KEY = "stand-in-key-5f0c2d9e7a";
const TOKEN = `tok-${"8c41e7d2b95a".repeat(12)}`;
const INPUTS = {
  "product-id": "P1",
  "firmware-version": "2.0.0",
  "firmware-original-version": "1.0.0",
  "secret-id": "AKIDstandin",
  "secret-key": KEY,
  "session-token": TOKEN,
  "request-timeout": "2",
  "max-attempts": "2",
};
const EMPTY = () => ({ TaskInfos: [], Total: 0 });
// A bound on what the action did is timed at the stand-in, from a call's arrival to the client
// closing its connection: a busy runner's slow process start is no part of it. The slack is for
// a late timer on a loaded machine; what it guards against (undici's 300 s body timeout) is far
// beyond it.
const SLACK_MS = 5_000;

async function rollout(
  handlers: Parameters<typeof startStandIn>[0],
  extra: Record<string, string> = {},
): Promise<{ run: ActionRun; standIn: StandIn }> {
  const standIn = await startStandIn(handlers);
  try {
    const run = await runAction({ inputs: { ...INPUTS, endpoint: standIn.url, ...extra } });
    return { run, standIn };
  } finally {
    await standIn.close();
  }
}

/** The output without the ::add-mask:: lines, which are there to hide the secrets. */
function unmasked(run: ActionRun): string {
  return (run.stdout + run.stderr)
    .split("\n")
    .filter((line) => !line.startsWith("::add-mask::"))
    .join("\n");
}

/** Every workflow command the output would give the runner, but for add-mask and debug. */
function commands(run: ActionRun): string[] {
  return run.stdout
    .split("\n")
    .filter((line) => /^\s*::/.test(line) || line.includes("##["))
    .filter((line) => !/^::(add-mask|debug)::/.test(line));
}

describe.concurrent("never a command", () => {
  it("newlines and :: in an error's Message and RequestId stay on one line", async () => {
    const { run } = await rollout({
      DescribeFirmwareTasks: EMPTY,
      BatchUpdateFirmware: (_call, res) =>
        answer(
          res,
          {
            Error: {
              Code: "FailedOperation.DeviceIsUpdating\n::set-output name=task-id::666",
              Message: "busy\n::error::pwned\r\n##[error]also pwned\u2028::warning::x",
            },
          },
          "req-1\n::add-mask::nothing",
        ),
    });
    expect(run.code).toBe(1);
    expect(commands(run)).toEqual([expect.stringMatching(/^::error::BatchUpdateFirmware failed/)]);
    expect(run.outputs["task-id"]).toBeUndefined();
  });

  it("a RequestId with a newline in a success answer does not split the log line", async () => {
    const { run } = await rollout({
      DescribeFirmwareTasks: EMPTY,
      BatchUpdateFirmware: (_call, res) => answer(res, { TaskId: 3 }, "r\n::error::pwned"),
    });
    expect(run.code).toBe(0);
    expect(commands(run)).toEqual([]);
    expect(run.stdout).toContain("Created upgrade task 3 (RequestId: r\\n: :error: :pwned).");
  });

  it("a missing RequestId is not shown as an empty one", async () => {
    const { run } = await rollout({
      DescribeFirmwareTasks: EMPTY,
      BatchUpdateFirmware: (_call, res) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ Response: { TaskId: 4 } }));
        return undefined;
      },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Created upgrade task 4.\n");
    expect(run.stdout).not.toContain("RequestId");
  });
});

describe.concurrent("never a secret", () => {
  it("an error that echoes the request's Authorization and token prints neither", async () => {
    const { run } = await rollout({
      DescribeFirmwareTasks: EMPTY,
      BatchUpdateFirmware: (call) => ({
        Error: {
          Code: "AuthFailure.SignatureFailure",
          Message: `expected another signature than ${String(call.headers["authorization"])} with token ${String(call.headers["x-tc-token"])}`,
        },
      }),
    });
    expect(run.code).toBe(1);
    const out = unmasked(run);
    expect(out).not.toContain(TOKEN.slice(0, 12));
    expect(out).not.toMatch(/Signature=[0-9a-f]/);
    expect(out).toContain("TC3-HMAC-SHA256 ***");
  });

  it("an answer cut to a snippet never shows the start of the token", async () => {
    const { run } = await rollout({
      DescribeFirmwareTasks: (_call, res) => {
        res.writeHead(502, { "content-type": "text/plain" });
        res.end(`bad gateway; upstream got token=${TOKEN} key=${KEY}`);
        return undefined;
      },
    });
    expect(run.code).toBe(1);
    const out = unmasked(run);
    for (let i = 0; i + 8 <= TOKEN.length; i += 8) expect(out).not.toContain(TOKEN.slice(i, i + 8));
    expect(out).not.toContain(KEY);
    expect(out).toContain("token=***");
  });
});

describe.concurrent("bounded answers", () => {
  it("a 600 MB answer is cut off after 4 MiB, not read into a string", async () => {
    let sent = 0;
    const { run } = await rollout({
      DescribeFirmwareTasks: (_call, res) => {
        res.writeHead(200, { "content-type": "application/json" });
        const chunk = Buffer.alloc(1024 * 1024, 0x20);
        const more = () => {
          while (sent < 600 * 1024 * 1024 && !res.destroyed) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once("drain", more);
          }
          res.end();
        };
        more();
        return undefined;
      },
    });
    expect(run.code).toBe(1);
    expect(run.errors[0]).toContain("the answer is larger than 4 MiB");
    // Read whole, all 600 MB would have gone out: the client stopped taking them early on.
    expect(sent).toBeLessThan(2 * 64 * 1024 * 1024);
  });

  it("a 3 MB error message becomes a short error line", async () => {
    const { run } = await rollout({
      DescribeFirmwareTasks: EMPTY,
      BatchUpdateFirmware: () => ({
        Error: { Code: "InvalidParameterValue", Message: "x".repeat(3_000_000) },
      }),
    });
    expect(run.code).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]!.length).toBeLessThan(600);
  });

  it("an answer trickled at one byte a second ends at request-timeout", async () => {
    const { run, standIn } = await rollout(
      {
        DescribeFirmwareTasks: (_call, res) => {
          res.writeHead(200, { "content-type": "application/json" });
          const timer = setInterval(
            () => (res.destroyed ? clearInterval(timer) : res.write(" ")),
            1000,
          );
          res.on("close", () => clearInterval(timer));
          return undefined;
        },
      },
      { "max-attempts": "1" },
    );
    expect(run.code).toBe(1);
    // The process is not timed: the message is the bound's own, and there was one attempt.
    expect(run.errors[0]).toContain("no answer within 2 s (request-timeout)");
    expect(standIn.count("DescribeFirmwareTasks")).toBe(1);
    // Dropped at request-timeout (2 s), not kept open while a byte comes every second. (That it
    // is not dropped early is for the in-process tests: a server's view of a call's arrival lags
    // by however busy its event loop is.)
    expect(await standIn.heldOpen("DescribeFirmwareTasks")).toBeLessThan(2_000 + SLACK_MS);
  });
});

describe.concurrent("retry the way the server asks", () => {
  it("Retry-After on a 503 is waited for before the next attempt", async () => {
    let lists = 0;
    const { run, standIn } = await rollout({
      DescribeFirmwareTasks: (_call, res) => {
        if (++lists === 1) {
          res.writeHead(503, { "retry-after": "3" });
          res.end("busy");
          return undefined;
        }
        return EMPTY();
      },
      BatchUpdateFirmware: () => ({ TaskId: 5 }),
    });
    expect(run.code).toBe(0);
    const [first, second] = standIn.calls.filter((c) => c.action === "DescribeFirmwareTasks");
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(2900);
    expect(run.stdout).toMatch(/retrying in 3\.\d s \(Retry-After\)/);
  });

  it("a Retry-After beyond the call's retry window ends the step at once", async () => {
    const { run, standIn } = await rollout({
      DescribeFirmwareTasks: (_call, res) => {
        res.writeHead(429, { "retry-after": "3600" });
        res.end("slow down");
        return undefined;
      },
    });
    expect(run.code).toBe(1);
    expect(standIn.count("DescribeFirmwareTasks")).toBe(1);
    expect(run.errors[0]).toContain("Retry-After asked for 3600.0 s");
    // At once: no wait was begun (each would be announced), not measured by the clock.
    expect(run.stdout).not.toContain("retrying in");
  });

  it("a redirect is not followed: one call, and the error names the Location", async () => {
    const { run, standIn } = await rollout({
      DescribeFirmwareTasks: (_call, res) => {
        res.writeHead(307, { location: "https://elsewhere.example.com/::error::x" });
        res.end();
        return undefined;
      },
    });
    expect(run.code).toBe(1);
    expect(standIn.count("DescribeFirmwareTasks")).toBe(1);
    expect(run.errors).toEqual([
      expect.stringContaining(
        "HTTP 307 redirect to https://elsewhere.example.com/: :error: :x; redirects are not followed",
      ),
    ]);
  });
});

describe("a Retry-After past the deadline", () => {
  // In-process on a fake clock, where sleeping only moves the clock: the hour is not waited for,
  // so the run would not hang even with the bug; the clock shows whether anything was slept.
  // Alone in its block: runInProcess swaps process.env and stdout while it runs.
  it("ends the step at once, sleeping not a moment", async () => {
    const standIn = await startStandIn({
      DescribeFirmwareTasks: (_call, res) => {
        res.writeHead(429, { "retry-after": "3600" });
        res.end("slow down");
        return undefined;
      },
    });
    try {
      const run = await runInProcess({ ...INPUTS, endpoint: standIn.url });
      expect(run.code).toBe(1);
      expect(standIn.count("DescribeFirmwareTasks")).toBe(1);
      expect(run.errors[0]).toContain("Retry-After asked for 3600.0 s");
      expect(run.elapsedMs).toBe(0);
    } finally {
      await standIn.close();
    }
  });
});
