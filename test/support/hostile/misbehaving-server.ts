// A peer for every kind of request the action makes, misbehaving in one of the three ways that
// must not hang a step or fill its memory: it stalls, drips or floods. A raw TCP server (no Node
// http server, so no server-side timer interferes), on 127.0.0.1, sharing nothing with src/.
import { createServer, type AddressInfo, type Socket } from "node:net";
// Not the globals: a test that fakes the clock must not make the peer stop or speed up.
import { clearInterval, setInterval } from "node:timers";

/**
 * stall: takes the request, never answers. drip: answers 200 and then one byte of body every
 * `dripMs`, for ever: each byte comes long before any idle timer would fire, so only a bound on
 * the whole answer ends it. flood: answers 200 and sends body as fast as it is taken, for ever.
 */
export type Misbehaviour = "stall" | "drip" | "flood";

export interface MisbehavingServer {
  url: string;
  /** Requests whose head (and body, by Content-Length) arrived. */
  requests(): number;
  /** Body bytes sent in all: what a flood got out before the reader stopped it. */
  bytesSent(): number;
  close(): Promise<void>;
}

const HEAD = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n";
const FLOOD_CHUNK = Buffer.alloc(64 * 1024, 0x20);

/** Starts the peer; `dripMs` is the gap between two dripped bytes. */
export async function startMisbehaving(
  behaviour: Misbehaviour,
  dripMs = 100,
): Promise<MisbehavingServer> {
  let requests = 0;
  let bytesSent = 0;
  const sockets = new Set<Socket>();
  const misbehave = (socket: Socket) => {
    requests++;
    if (behaviour === "stall") return;
    socket.write(HEAD);
    if (behaviour === "drip") {
      const timer = setInterval(() => {
        bytesSent++;
        socket.write(" ");
      }, dripMs);
      socket.once("close", () => clearInterval(timer));
      return;
    }
    const more = () => {
      while (!socket.destroyed) {
        bytesSent += FLOOD_CHUNK.length;
        if (!socket.write(FLOOD_CHUNK)) return void socket.once("drain", more);
      }
    };
    more();
  };
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    let received = Buffer.alloc(0);
    let waitingFor: number | undefined;
    socket.on("data", (chunk: Buffer) => {
      if (waitingFor === Infinity) return;
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf("\r\n\r\n");
      if (end === -1) return;
      // A PUT's body is taken whole first, so an upload sees its answer only after its last byte.
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(received.subarray(0, end).toString());
      waitingFor ??= end + 4 + Number(length?.[1] ?? 0);
      if (received.length < waitingFor) return;
      waitingFor = Infinity;
      misbehave(socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => requests,
    bytesSent: () => bytesSent,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
