import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { connect, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

/** A forward proxy on 127.0.0.1 that records what passes through it. */
export interface LoopbackProxy {
  url: string;
  /** CONNECT targets and absolute-form request URLs, in order. */
  targets: string[];
  /** Every byte clients sent through tunnels, as latin1 text (plain-http tunnels are readable). */
  tunnelled(): string;
  close(): Promise<void>;
}

/**
 * Starts an HTTP proxy that supports CONNECT tunnels and absolute-form requests; an https://
 * one (TLS to the proxy itself) when given a key and certificate.
 */
export async function startProxy(tls?: { key: string; cert: string }): Promise<LoopbackProxy> {
  const targets: string[] = [];
  const chunks: Buffer[] = [];
  const sockets = new Set<Socket>();
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    targets.push(req.url ?? "");
    const upstream = httpRequest(
      req.url ?? "",
      { method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  };
  const server: Server = tls === undefined ? createServer(handle) : createHttpsServer(tls, handle);
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("connect", (req, client: Socket, head: Buffer) => {
    targets.push(req.url ?? "");
    const [host, port] = (req.url ?? "").split(":");
    const upstream = connect(Number(port), host ?? "127.0.0.1", () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length > 0) upstream.write(head);
      client.on("data", (chunk: Buffer) => chunks.push(chunk));
      client.pipe(upstream).pipe(client);
    });
    sockets.add(upstream);
    upstream.on("close", () => sockets.delete(upstream));
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls === undefined ? "http" : "https"}://127.0.0.1:${port}`,
    targets,
    tunnelled: () => Buffer.concat(chunks).toString("latin1"),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
