import { describe, expect, it } from "vitest";
import { runInProcess } from "../support/in-process.js";
import { runAction, type ActionRun } from "../support/run-action.js";
import { answer, startStandIn, TaskBook, type StandIn } from "../support/hostile/api-stand-in.js";

// Servers whose task list cannot be taken at its word. Against each, the action must never send
// BatchUpdateFirmware twice for one rollout: it finds the task, or it stops and says the task
// may exist. A late create and a lagging list are real-time matters: the bundled action meets
// them as a process. The rest run in-process on a fake clock, where the window passes at once.
const SLOW_MS = 60_000;

function inputsFor(standIn: StandIn): Record<string, string> {
  return {
    "product-id": "P1",
    "firmware-version": "2.0.0",
    "firmware-original-version": "1.0.0",
    "secret-id": "AKIDstandin",
    "secret-key": "stand-in-key-123",
    endpoint: standIn.url,
    "request-timeout": "1",
  };
}

/** The bundled action as a process, in real time: lags and late creates are real. */
function rollout(standIn: StandIn, env: Record<string, string> = {}): Promise<ActionRun> {
  return runAction({ inputs: inputsFor(standIn), env });
}

/** The step in-process on a fake clock: the lookup window passes at once. */
function rolloutFast(standIn: StandIn): Promise<ActionRun> {
  return runInProcess(inputsFor(standIn));
}

/** A server that records tasks in `book` and answers the three calls of a rollout. */
function tencentLike(book: TaskBook, create: (res: Parameters<typeof answer>[0]) => void) {
  return {
    DescribeFirmwareTasks: (call: { params: Record<string, unknown> }) => book.page(call.params),
    DescribeFirmwareTask: (call: { params: Record<string, unknown> }) => book.detail(call.params),
    BatchUpdateFirmware: (_call: unknown, res: Parameters<typeof answer>[0]) => {
      create(res);
      return undefined;
    },
  };
}

async function against<T>(
  handlers: Parameters<typeof startStandIn>[0],
  body: (standIn: StandIn) => Promise<T>,
): Promise<T> {
  const standIn = await startStandIn(handlers);
  try {
    return await body(standIn);
  } finally {
    await standIn.close();
  }
}

describe("a lookup that cannot see the task is no proof it does not exist", () => {
  it.concurrent(
    "the server finishes the create 1.5 s after our timeout: the task is found, not made twice",
    async () => {
      const book = new TaskBook();
      await against(
        tencentLike(book, (res) => {
          setTimeout(() => {
            book.create("originalVersion", "1.0.0");
            answer(res, { TaskId: 1 });
          }, 2500);
        }),
        async (standIn) => {
          const run = await rollout(standIn);
          expect(standIn.count("BatchUpdateFirmware")).toBe(1);
          expect(book.tasks).toHaveLength(1);
          expect(run.code).toBe(0);
          expect(run.outputs["task-id"]).toBe("1");
          expect(run.stdout).toContain("Using upgrade task 1");
        },
      );
    },
    SLOW_MS,
  );

  it.concurrent(
    "the list shows a new task only 8 s after the create: found at a later look",
    async () => {
      const book = new TaskBook();
      await against(
        tencentLike(book, (res) => {
          book.create("originalVersion", "1.0.0", 8000);
          res.destroy();
        }),
        async (standIn) => {
          const run = await rollout(standIn);
          expect(standIn.count("BatchUpdateFirmware")).toBe(1);
          expect(run.code).toBe(0);
          expect(run.outputs["task-id"]).toBe("1");
          // Found between the first look (~1 s) and the window's end (21 s).
          const looks = standIn.calls.filter((c) => c.action === "DescribeFirmwareTasks");
          expect(looks.length).toBeGreaterThanOrEqual(3);
        },
      );
    },
    SLOW_MS,
  );

  it(
    "a version with 2,000 tasks listed oldest first, cut there in silence: stops, says the task may exist",
    async () => {
      const book = new TaskBook();
      for (let i = 0; i < 2000; i++) book.create("devicenames");
      await against(
        {
          ...tencentLike(book, (res) => {
            book.create("originalVersion", "1.0.0");
            res.destroy();
          }),
          DescribeFirmwareTasks: (call) => book.page(call.params, { cap: 2000 }),
        },
        async (standIn) => {
          const run = await rolloutFast(standIn);
          expect(standIn.count("BatchUpdateFirmware")).toBe(1);
          expect(run.code).toBe(1);
          expect(run.outputs["task-id"]).toBeUndefined();
          expect(run.errors).toHaveLength(1);
          expect(run.errors[0]).toContain(
            "Total says 2001 tasks, but the pages stopped after 2000",
          );
          expect(run.errors[0]).toContain("may exist. Not sending it again");
        },
      );
    },
    SLOW_MS,
  );

  it("a server that says Total 0 while listing 150 tasks: every page is read", async () => {
    const book = new TaskBook();
    for (let i = 0; i < 150; i++) book.create("devicenames");
    await against(
      {
        ...tencentLike(book, (res) => {
          book.create("originalVersion", "1.0.0");
          res.destroy();
        }),
        DescribeFirmwareTasks: (call) => book.page(call.params, { total: 0 }),
      },
      async (standIn) => {
        const run = await rolloutFast(standIn);
        expect(standIn.count("BatchUpdateFirmware")).toBe(1);
        expect(run.code).toBe(0);
        expect(run.outputs["task-id"]).toBe("151");
      },
    );
  });
});

describe("a 200 whose TaskId cannot be read: the server acted, so look it up", () => {
  it.each([
    { name: "a string", taskId: "1" },
    { name: "a float", taskId: 1.5 },
    { name: "missing", taskId: undefined },
  ])("TaskId $name: the listed task is used, nothing is sent again", async ({ taskId }) => {
    const book = new TaskBook();
    await against(
      tencentLike(book, (res) => {
        book.create("originalVersion", "1.0.0");
        answer(res, taskId === undefined ? {} : { TaskId: taskId });
      }),
      async (standIn) => {
        const run = await rolloutFast(standIn);
        expect(standIn.count("BatchUpdateFirmware")).toBe(1);
        expect(run.code).toBe(0);
        expect(run.outputs["task-id"]).toBe("1");
        expect(run.stdout).toContain("TaskId is not an integer that can be read exactly");
      },
    );
  });

  it(
    "TaskId beyond 2^53, listed the same way: refused, never sent again",
    async () => {
      const huge = 2 ** 60;
      let created = false;
      await against(
        {
          DescribeFirmwareTasks: (call) =>
            call.params["Offset"] === 0 && created
              ? { TaskInfos: [{ TaskId: huge }], Total: 1 }
              : { TaskInfos: [], Total: 0 },
          BatchUpdateFirmware: () => {
            created = true;
            return { TaskId: huge };
          },
        },
        async (standIn) => {
          const run = await rolloutFast(standIn);
          expect(standIn.count("BatchUpdateFirmware")).toBe(1);
          expect(run.code).toBe(1);
          expect(run.errors).toHaveLength(1);
          expect(run.errors[0]).toContain("could not be read exactly");
          expect(run.errors[0]).toContain("may exist. Not sending it again");
        },
      );
    },
    SLOW_MS,
  );
});

describe("the created task is named before anything else can fail", () => {
  it("GITHUB_OUTPUT on a full disk: the log names the task, the step does not fail", async () => {
    const book = new TaskBook();
    await against(
      tencentLike(book, (res) => answer(res, { TaskId: book.create("originalVersion", "1.0.0") })),
      async (standIn) => {
        const run = await rollout(standIn, { GITHUB_OUTPUT: "/dev/full" });
        expect(run.code).toBe(0);
        const lines = run.stdout.split("\n");
        const named = lines.findIndex((line) => line.startsWith("Created upgrade task 1"));
        const warned = lines.findIndex((line) =>
          line.startsWith("::warning::Could not set the output task-id"),
        );
        expect(named).toBeGreaterThanOrEqual(0);
        expect(warned).toBeGreaterThan(named);
        expect(lines[warned]).toContain("the task is 1");
      },
    );
  });
});
