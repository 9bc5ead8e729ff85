import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ACTIONS } from "./actions/index.js";
import { ApiError } from "./api-error.js";
import { handleApi } from "./api-handler.js";
import { drain } from "./body.js";
import { Clock } from "./clock.js";
import { Exchange } from "./exchange.js";
import { FaultQueue, UPLOAD_TARGET } from "./faults.js";
import { Presigner } from "./presign.js";
import { defaultProducts, TEST_CREDENTIALS } from "./seed.js";
import type { ServerContext } from "./server-context.js";
import { EmulatorState } from "./state.js";
import { STS_ACTIONS } from "./sts-handler.js";
import { StsState } from "./sts-state.js";
import type { Emulator, EmulatorOptions, RecordedRequest } from "./types.js";
import { handleUpload } from "./upload-handler.js";

/** What faults can be scripted for: every action the emulator answers, and uploads. */
export const FAULT_TARGETS: ReadonlySet<string> = new Set([
  ...ACTIONS.keys(),
  ...STS_ACTIONS,
  UPLOAD_TARGET,
]);

function uploadFileName(pathname: string): string | undefined {
  const match = /^\/upload\/([^/]+)$/.exec(pathname);
  try {
    return match?.[1] === undefined ? undefined : decodeURIComponent(match[1]);
  } catch {
    return undefined;
  }
}

async function route(ex: Exchange, ctx: ServerContext): Promise<void> {
  const { pathname } = new URL(ex.req.url ?? "/", "http://emulator.invalid");
  if (ex.req.method === "POST" && pathname === "/") {
    ex.record.kind = "api";
    return handleApi(ex, ctx);
  }
  const fileName = uploadFileName(pathname);
  if (ex.req.method === "PUT" && fileName !== undefined) return handleUpload(ex, ctx, fileName);
  await drain(ex.req);
  ex.send(404, "text/plain", "Not Found\n");
}

function onRequest(req: IncomingMessage, res: ServerResponse, ctx: ServerContext): void {
  const { pathname } = new URL(req.url ?? "/", "http://emulator.invalid");
  const record: RecordedRequest = {
    kind: "other",
    status: 0,
    method: req.method ?? "",
    path: pathname,
  };
  ctx.requests.push(record);
  res.once("close", () => ctx.onRequest?.(record));
  const ex = new Exchange(req, res, record, ctx.clock);
  route(ex, ctx).catch((error: unknown) => {
    // A bug in the emulator itself: answer like Tencent's InternalError and say why on stderr.
    console.error("emulator: request failed:", error);
    if (res.headersSent) ex.cut();
    else ex.answer(new ApiError("InternalError", "The emulator failed on this request."));
  });
}

function makeSleep(pending: Set<() => void>) {
  return (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        pending.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      pending.add(done);
    });
}

function closer(server: Server, pending: Set<() => void>) {
  return () =>
    new Promise<void>((resolve) => {
      // Slow answers end now; their connections are gone by the time they resume.
      for (const done of [...pending]) done();
      server.close(() => resolve());
      server.closeAllConnections();
    });
}

/** Starts an IoT Video emulator on 127.0.0.1 and resolves once it is listening. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const pending = new Set<() => void>();
  const clock = new Clock(options.clockSkewSeconds ?? 0);
  const state = new EmulatorState(options.products ?? defaultProducts(), {
    clock,
    deviceStepMs: checkStepMs(options.deviceStepMs),
  });
  if (options.devicePlans) state.planDevices(options.devicePlans);
  const ctx: ServerContext = {
    state,
    clock,
    presigner: new Presigner(),
    baseUrl: "",
    credentials: { ...(options.credentials ?? TEST_CREDENTIALS) },
    faults: new FaultQueue(),
    hashUploads: options.hashUploads ?? true,
    sts: new StsState(options.sts),
    requests: [],
    onRequest: options.onRequest,
    sleep: makeSleep(pending),
  };
  // Mistakes in what was scripted throw here, before anything listens.
  for (const [target, faults] of Object.entries(options.faults ?? {})) {
    ctx.faults.add(target, faults, FAULT_TARGETS);
  }
  const server = createServer((req, res) => onRequest(req, res, ctx));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  ctx.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: ctx.baseUrl,
    credentials: ctx.credentials,
    requests: ctx.requests,
    get tasks() {
      state.settle();
      return state.tasks;
    },
    uploads: state.uploads,
    products: state.products,
    script: (target, ...faults) => ctx.faults.add(target, faults, FAULT_TARGETS),
    planDevices: (plans) => state.planDevices(plans),
    advance: (taskId, steps = 1) => state.advance(taskId, checkSteps(steps)),
    taskDevices: (taskId) => {
      state.settle();
      return state.deviceRecords(taskId);
    },
    setClockSkew: (seconds) => ctx.clock.setSkew(seconds),
    configureSts: (sts) => ctx.sts.configure(sts),
    stsIssued: ctx.sts.issued,
    close: closer(server, pending),
  };
}

function checkStepMs(ms: number | undefined): number | undefined {
  if (ms === undefined || (Number.isFinite(ms) && ms > 0)) return ms;
  throw new Error(`emulator: deviceStepMs must be a positive number of ms, not ${ms}`);
}

function checkSteps(steps: number): number {
  if (Number.isSafeInteger(steps) && steps >= 0) return steps;
  throw new Error(`emulator: advance takes a whole number of steps, not ${steps}`);
}
