// Test plumbing for talking to the emulator under Tencent's real host name: an agent that dials
// loopback whatever the URL says, and a forwarding proxy that can alter a request in flight.
import {
  Agent,
  createServer,
  request,
  type ClientRequestArgs,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";

/** An http.Agent whose every connection goes to 127.0.0.1:<port>. */
export class LoopbackAgent extends Agent {
  constructor(private readonly port: number) {
    super({ keepAlive: false });
  }

  override createConnection(_options: ClientRequestArgs): Socket {
    return connect(this.port, "127.0.0.1");
  }
}

/** A request as the proxy forwards it; a tamper function may change it in place. */
export interface InFlight {
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A running proxy. */
export interface TamperProxy {
  port: number;
  close(): Promise<void>;
}

/** Starts a proxy that reads each request whole, lets `tamper` alter it, and forwards it to `target`. */
export async function startTamperProxy(
  target: string,
  tamper: (req: InFlight) => void,
): Promise<TamperProxy> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => forward(req, res, Buffer.concat(chunks)));
  });
  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer): void => {
    const inFlight: InFlight = { headers: { ...req.headers }, body };
    tamper(inFlight);
    inFlight.headers["content-length"] = String(inFlight.body.length);
    const upstream = request(
      target,
      { method: req.method ?? "POST", path: req.url ?? "/", headers: inFlight.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    upstream.end(inFlight.body);
  };
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
