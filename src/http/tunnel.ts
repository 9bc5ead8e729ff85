import { connect as netConnect, isIP, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { forLog } from "../report/outside-text.js";
import {
  authority,
  ConnectFailure,
  describeCause,
  failedAttempt,
  type Connector,
  type ConnectTarget,
  type Trust,
} from "./connector.js";
import type { ProxyServer } from "./proxy.js";

// A CONNECT answer's head is a status line and a few headers; more is not a proxy talking.
const MAX_HEAD = 16 * 1024;
const MAX_REASON = 100;
const MAX_SNIPPET = 60;
const KEEP_ALIVE_DELAY_MS = 60_000;

/**
 * Connections through an HTTP(S) proxy: one CONNECT per attempt, then TLS over the tunnel for
 * https. Replaces undici's ProxyAgent, whose connect step reports a closed CONNECT as
 * UND_ERR_SOCKET (see ConnectFailure) and a refusal as an "AbortError" that reads as a timeout.
 * The whole attempt (proxy, CONNECT answer, TLS handshake) is bounded by `timeoutMs`.
 */
export function tunnelConnector(proxy: ProxyServer, timeoutMs: number, trust: Trust): Connector {
  return (target, callback) => {
    let settled = false;
    const sockets: Socket[] = [];
    const settle = () => {
      const first = !settled;
      settled = true;
      clearTimeout(timer);
      return first;
    };
    const fail = (error: unknown) => {
      if (!settle()) return;
      for (const socket of sockets) socket.on("error", () => undefined).destroy();
      callback(error instanceof ConnectFailure ? error : failedAttempt(target, error), null);
    };
    const succeed = (socket: Socket) => {
      if (settle()) callback(null, socket);
    };
    const timer = setTimeout(() => {
      const within = `within ${timeoutMs / 1000} s`;
      const what = `could not connect to ${authority(target)} ${via(proxy)} ${within}`;
      fail(new ConnectFailure(what, null));
    }, timeoutMs);
    openTunnel(proxy, target, trust, (opened) => sockets.push(opened))
      .then((tunnel) => {
        if (settled) return;
        if (target.protocol !== "https:") return succeed(tunnel);
        const socket = secure(tunnel, target, trust, (error) =>
          error === undefined ? succeed(socket) : fail(failedAttempt(target, error, via(proxy))),
        );
        sockets.push(socket);
      })
      .catch(fail);
  };
}

function via(proxy: ProxyServer): string {
  return `through the proxy at ${proxy.shown}`;
}

/** Starts TLS over an open tunnel, as undici's own connector would over a socket. */
function secure(
  tunnel: Socket,
  target: ConnectTarget,
  trust: Trust,
  done: (error?: unknown) => void,
): Socket {
  const servername = target.servername || target.hostname;
  const socket = tlsConnect({
    ...trust,
    socket: tunnel,
    host: target.hostname,
    // Node refuses an IP address as the server name (SNI).
    ...(isIP(servername) === 0 ? { servername } : {}),
    ALPNProtocols: ["http/1.1"],
  });
  const onError = (error: Error) => done(error);
  socket.once("error", onError).once("secureConnect", () => {
    socket.off("error", onError);
    done();
  });
  return socket;
}

/**
 * Connects to the proxy and asks it for a tunnel to the target; resolves with the socket once it
 * answered 2xx, else rejects with a ConnectFailure that says what the proxy did.
 */
function openTunnel(
  proxy: ProxyServer,
  target: ConnectTarget,
  trust: Trust,
  track: (socket: Socket) => void,
): Promise<Socket> {
  const to = authority(target);
  return new Promise((resolve, reject) => {
    const socket = connectTo(proxy, trust);
    track(socket);
    let connected = false;
    let head = Buffer.alloc(0);
    const stop = (failure?: ConnectFailure) => {
      socket.off("readable", onReadable).off("error", onError).off("end", onEnd);
      socket.off("close", onEnd);
      if (failure === undefined) resolve(socket);
      else reject(failure);
    };
    const onError = (error: Error) => {
      const at = `the proxy at ${proxy.shown}`;
      const what = connected
        ? `${at} broke off the CONNECT for ${to}`
        : `could not connect to ${at}`;
      stop(new ConnectFailure(`${what}: ${describeCause(error)}`, error));
    };
    const onEnd = () => {
      const what = `the proxy at ${proxy.shown} closed the tunnel to ${to} without answering the CONNECT`;
      stop(new ConnectFailure(what, null));
    };
    const onReadable = () => {
      for (
        let chunk = socket.read() as Buffer | null;
        chunk !== null;
        chunk = socket.read() as Buffer | null
      ) {
        head = Buffer.concat([head, chunk]);
      }
      const end = head.indexOf("\r\n\r\n");
      if (end === -1 && head.length <= MAX_HEAD) return;
      stop(answerFailure(proxy, to, head, end));
    };
    socket.once(proxy.protocol === "https:" ? "secureConnect" : "connect", () => {
      connected = true;
      socket.setNoDelay(true).setKeepAlive(true, KEEP_ALIVE_DELAY_MS);
      socket.write(connectRequest(to, proxy));
    });
    socket.on("readable", onReadable).on("error", onError).on("end", onEnd).on("close", onEnd);
  });
}

function connectTo(proxy: ProxyServer, trust: Trust): Socket {
  const { hostname: host, port } = proxy;
  if (proxy.protocol === "http:") return netConnect({ host, port });
  const servername = isIP(host) === 0 ? { servername: host } : {};
  return tlsConnect({ ...trust, host, port, ...servername, ALPNProtocols: ["http/1.1"] });
}

function connectRequest(to: string, proxy: ProxyServer): string {
  const lines = [`CONNECT ${to} HTTP/1.1`, `Host: ${to}`];
  if (proxy.authorization !== undefined) lines.push(`Proxy-Authorization: ${proxy.authorization}`);
  return [...lines, "", ""].join("\r\n");
}

/** Undefined for a 2xx answer that ends where its head ends; otherwise what went wrong. */
function answerFailure(
  proxy: ProxyServer,
  to: string,
  head: Buffer,
  end: number,
): ConnectFailure | undefined {
  const at = `the proxy at ${proxy.shown}`;
  if (end === -1) return new ConnectFailure(`${at} sent a CONNECT answer over 16 KiB`, null);
  const statusLine = head.subarray(0, end).toString("latin1").split("\r\n")[0] ?? "";
  const match = /^HTTP\/\d(?:\.\d)? (\d{3})(?: (.*))?$/.exec(statusLine);
  if (match === null) {
    const shown = forLog(statusLine, MAX_SNIPPET);
    return new ConnectFailure(
      `${at} did not answer the CONNECT for ${to} in HTTP: '${shown}'`,
      null,
    );
  }
  const status = Number(match[1]);
  if (status < 200 || status > 299) {
    const reason = forLog(match[2] ?? "", MAX_REASON);
    const refused = `${at} refused the tunnel: HTTP ${status}${reason === "" ? "" : ` ${reason}`}`;
    return new ConnectFailure(`${refused}${authorizationNote(proxy, status)}`, null, status);
  }
  // Nobody speaks first through a fresh tunnel but us: bytes already here are not the target's.
  if (head.length > end + 4) {
    return new ConnectFailure(`${at} sent data before the tunnel to ${to} was used`, null);
  }
  return undefined;
}

function authorizationNote(proxy: ProxyServer, status: number): string {
  if (status !== 407) return "";
  return proxy.authorization === undefined
    ? ` (${proxy.variable} names no user and password for it)`
    : ` (it did not accept the user and password in ${proxy.variable})`;
}
