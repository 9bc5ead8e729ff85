import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

// A stand-in for the Tencent API that misbehaves on purpose. It shares nothing with src/ or
// with the emulator: no signature checks, just what a test scripts for each action.

/** One call as the stand-in received it. */
export interface StandInCall {
  action: string;
  params: Record<string, unknown>;
  headers: IncomingMessage["headers"];
  /** Milliseconds since the stand-in started, when the request had arrived whole. */
  at: number;
  /**
   * When the connection the call came on closed (the client gave up, or exited), on the same
   * clock; unset while it is open. Timed here, so a test can bound what the client did without
   * counting how long a busy machine took to start it.
   */
  closedAt?: number;
}

/** Answers one call: return a value to send it as the Response, or answer `res` yourself. */
export type StandInHandler = (
  call: StandInCall,
  res: ServerResponse,
) => Record<string, unknown> | void | Promise<Record<string, unknown> | void>;

export interface StandIn {
  url: string;
  calls: StandInCall[];
  count(action: string): number;
  /**
   * Milliseconds from the first call of `action` arriving to the client closing its connection,
   * once it has (a process's exit may be seen here a moment after the test saw it end).
   */
  heldOpen(action: string): Promise<number>;
  close(): Promise<void>;
}

/** Every rollout checks its firmware first: unless a test says otherwise, it is registered. */
const REGISTERED: StandInHandler = (call) => ({ Version: call.params["FirmwareVersion"] });

/**
 * Starts a stand-in on 127.0.0.1; DescribeFirmware answers "registered" unless a handler says
 * otherwise, other actions without a handler answer InvalidAction.
 */
export async function startStandIn(given: Record<string, StandInHandler>): Promise<StandIn> {
  const handlers: Record<string, StandInHandler> = { DescribeFirmware: REGISTERED, ...given };
  const calls: StandInCall[] = [];
  const sockets = new Set<Socket>();
  const callsOn = new WeakMap<Socket, StandInCall[]>();
  const onClose = new Set<() => void>();
  const started = Date.now();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const action = String(req.headers["x-tc-action"] ?? "");
      let params: Record<string, unknown> = {};
      try {
        params = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
      } catch {
        // Left empty: the handler sees what little there is.
      }
      const call: StandInCall = { action, params, headers: req.headers, at: Date.now() - started };
      calls.push(call);
      callsOn.get(req.socket)?.push(call);
      const handler = handlers[action];
      if (handler === undefined) {
        answer(res, { Error: { Code: "InvalidAction", Message: `no ${action} here` } });
        return;
      }
      Promise.resolve(handler(call, res)).then(
        (response) => {
          if (response) answer(res, response);
        },
        () => res.destroy(),
      );
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    callsOn.set(socket, []);
    socket.on("close", () => {
      sockets.delete(socket);
      for (const call of callsOn.get(socket) ?? []) call.closedAt = Date.now() - started;
      for (const check of onClose) check();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    count: (action) => calls.filter((call) => call.action === action).length,
    heldOpen: (action) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const call = calls.find((c) => c.action === action);
          if (call === undefined) return reject(new Error(`no ${action} call came`));
          if (call.closedAt === undefined) return;
          onClose.delete(check);
          resolve(call.closedAt - call.at);
        };
        onClose.add(check);
        check();
      }),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Sends `{"Response": {...response, RequestId}}` with HTTP 200, as Tencent does. */
export function answer(
  res: ServerResponse,
  response: Record<string, unknown>,
  requestId = "stand-in-request",
): void {
  if (res.destroyed) return;
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify({ Response: { ...response, RequestId: requestId } }));
}

/** A firmware version's tasks, kept the way a test wants them listed. */
export class TaskBook {
  readonly tasks: Array<{ id: number; mode: string; originalVersion?: string; visibleAt: number }> =
    [];
  private nextId = 1;

  constructor(private readonly started = Date.now()) {}

  /** Records a task; it is listed only `lagMs` from now. Returns its id. */
  create(mode: string, originalVersion?: string, lagMs = 0): number {
    const id = this.nextId++;
    this.tasks.push({
      id,
      mode,
      ...(originalVersion === undefined ? {} : { originalVersion }),
      visibleAt: Date.now() - this.started + lagMs,
    });
    return id;
  }

  /** The tasks listed now, oldest first. */
  visible(): number[] {
    const now = Date.now() - this.started;
    return this.tasks.filter((task) => task.visibleAt <= now).map((task) => task.id);
  }

  /** DescribeFirmwareTasks over the visible tasks, with an optional cap the server keeps quiet about. */
  page(params: Record<string, unknown>, options: { cap?: number; total?: number } = {}) {
    const visible = this.visible();
    const listable = visible.slice(0, options.cap ?? visible.length);
    const offset = Number(params["Offset"] ?? 0);
    const limit = Number(params["Limit"] ?? 20);
    return {
      TaskInfos: listable
        .slice(offset, offset + limit)
        .map((id) => ({ TaskId: id, Status: 1, Type: 0, CreateTime: 1_700_000_000 + id })),
      Total: options.total ?? visible.length,
    };
  }

  /** DescribeFirmwareTask for one id. */
  detail(params: Record<string, unknown>) {
    const task = this.tasks.find((t) => t.id === params["TaskId"]);
    if (task === undefined) {
      return { Error: { Code: "ResourceNotFound.FirmwareTaskNotExist", Message: "no such task" } };
    }
    return {
      TaskId: task.id,
      Status: 1,
      UpgradeMode: task.mode,
      ...(task.originalVersion === undefined ? {} : { OriginalVersion: task.originalVersion }),
    };
  }
}
