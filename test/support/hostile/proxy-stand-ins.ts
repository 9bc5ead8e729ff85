import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { createServer as createTlsServer } from "node:tls";
// Not the global: tests that fake the clock must not make stand-ins expire early.
import { clearTimeout, setTimeout } from "node:timers";
import { TEST_CA, TEST_KEY } from "./proxy-tls-cert.js";

/**
 * Misbehaving proxies and servers on 127.0.0.1 for the transport tests. Each stops by itself:
 * after LIFETIME_MS, or once it has taken MAX_CONNECTIONS connections (so a client that floods
 * it is refused and ends, and the test sees the count instead of hanging).
 */
export interface StandIn {
  url: string;
  port: number;
  close(): Promise<void>;
}

const LIFETIME_MS = 60_000;
export const MAX_CONNECTIONS = 100;
const MAX_HEAD = 64 * 1024;

async function serve(server: Server, scheme: string): Promise<StandIn> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const close = async () => {
    clearTimeout(lifetime);
    for (const socket of sockets) socket.destroy();
    if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket)).on("error", () => undefined);
    if (++connections >= MAX_CONNECTIONS) void close();
  });
  const lifetime = setTimeout(() => void close(), LIFETIME_MS);
  lifetime.unref();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `${scheme}://127.0.0.1:${port}`, port, close };
}

/**
 * Calls `onHead` once with the text of the first request head a socket sends, or `onNotHttp`
 * when its first bytes are not a request line (a TLS ClientHello starts with 0x16).
 */
function readHead(
  socket: Socket,
  onHead: (head: string) => void,
  onNotHttp: () => void = () => socket.destroy(),
): void {
  let buffered = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    if (!/^[A-Z]/.test(buffered.toString("latin1", 0, 1))) {
      socket.off("data", onData);
      return onNotHttp();
    }
    const end = buffered.indexOf("\r\n\r\n");
    if (end === -1 && buffered.length < MAX_HEAD) return;
    socket.off("data", onData);
    onHead(buffered.subarray(0, end === -1 ? buffered.length : end).toString("latin1"));
  };
  socket.on("data", onData);
}

/** What a bad proxy does once it has read a CONNECT. */
export type ProxyBehaviour =
  /** Closes the connection without a word. */
  | { kind: "close" }
  /** Sends `answer` (a status line and headers) and closes. */
  | { kind: "answer"; answer: string }
  /** Says nothing and keeps the connection open. */
  | { kind: "silent" };

export interface BadProxy extends StandIn {
  /** The request head of every CONNECT (or other request) received, in order. */
  heads: string[];
  /** When each of `heads` came (Date.now()): a test times the client here, not around it. */
  headsAt: number[];
}

/** A proxy that never opens a tunnel. */
export async function startBadProxy(behaviour: ProxyBehaviour): Promise<BadProxy> {
  const heads: string[] = [];
  const headsAt: number[] = [];
  const server = createServer((socket) =>
    readHead(socket, (head) => {
      heads.push(head);
      headsAt.push(Date.now());
      if (behaviour.kind === "close") socket.destroy();
      else if (behaviour.kind === "answer") socket.end(behaviour.answer);
    }),
  );
  return { ...(await serve(server, "http")), heads, headsAt };
}

/** What a server does with a request. */
export type ServerBehaviour =
  /** Reads the request and never answers. */
  | "never-answer"
  /** Sends the status line and headers of a 200 with a body, then never the body. */
  | "headers-only"
  /** Reads the request head, then drops the connection. */
  | "drop-after-request"
  /** Answers 200 with a small JSON body. */
  | "ok";

export interface RecordingServer extends StandIn {
  /** Request heads received. */
  heads: string[];
  /** Resolves once the first request head has arrived. */
  received: Promise<void>;
}

/**
 * A raw HTTP server (or HTTPS with TEST_CA's certificate for 127.0.0.1, when `tls` is set) that
 * behaves as told; no Node http server, so no server-side timer of its own interferes.
 */
export async function startServer(
  behaviour: ServerBehaviour,
  options: { tls?: boolean } = {},
): Promise<RecordingServer> {
  const heads: string[] = [];
  let arrived: () => void = () => undefined;
  const received = new Promise<void>((resolve) => (arrived = resolve));
  // What a plain-HTTP server answers to a TLS ClientHello.
  const badRequest = (socket: Socket) => () =>
    socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
  const handle = (socket: Socket) =>
    readHead(
      socket.on("error", () => undefined),
      (head) => {
        heads.push(head);
        arrived();
        if (behaviour === "headers-only") {
          socket.write(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 64\r\n\r\n{",
          );
        } else if (behaviour === "drop-after-request") {
          socket.destroy();
        } else if (behaviour === "ok") {
          const body = '{"Response":{"RequestId":"r-1"}}';
          socket.end(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
        }
      },
      badRequest(socket),
    );
  const server = options.tls
    ? createTlsServer({ key: TEST_KEY, cert: TEST_CA }, handle)
    : createServer(handle);
  // A TLS server's "connection" is the raw TCP socket; serve() tracks those either way.
  return { ...(await serve(server, options.tls ? "https" : "http")), heads, received };
}

/** A server that accepts connections and closes each at once, before a byte is exchanged. */
export async function startClosingServer(): Promise<StandIn> {
  return serve(
    createServer((socket) => socket.destroy()),
    "https",
  );
}
