// A stand-in for the runner's OIDC token endpoint on loopback: what ACTIONS_ID_TOKEN_REQUEST_URL
// points at in a job with `id-token: write`. It checks the bearer request token and answers
// {"value": <JWT>} signed RS256 with a key made here, so core.getIDToken runs for real.
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export const GITHUB_ISSUER = "https://token.actions.githubusercontent.com";

/** An RSA key pair such as GitHub signs workflow tokens with. */
export function makeKeyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync("rsa", { modulusLength: 2048 });
}

/** A compact RS256 JWT of `claims`. */
export function signJwt(claims: object, privateKey: KeyObject, kid = "test-key"): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const input = `${part({ typ: "JWT", alg: "RS256", kid })}.${part(claims)}`;
  return `${input}.${sign("sha256", Buffer.from(input), privateKey).toString("base64url")}`;
}

/** How the endpoint behaves; `set` changes it between requests. */
export interface TokenBehaviour {
  /** Claims added to (or replacing) GitHub's usual ones. */
  claims?: Record<string, unknown>;
  /** Sign with this key instead of the endpoint's own: a token whose signature is wrong. */
  signingKey?: KeyObject;
  /** Default 300 s. */
  lifetimeSeconds?: number;
  /** Answer this HTTP status (with an error body) instead of a token. */
  status?: number;
}

/** A running token endpoint. */
export interface TokenEndpoint {
  /** The two variables the runner sets for a job with `id-token: write`. */
  env: { ACTIONS_ID_TOKEN_REQUEST_URL: string; ACTIONS_ID_TOKEN_REQUEST_TOKEN: string };
  /** The key a CAM provider must trust for the tokens handed out. */
  publicKey: KeyObject;
  /** Each request: the audience asked for, and whether its bearer token was right. */
  requests: Array<{ audience: string | undefined; authorized: boolean }>;
  /** Every token handed out, oldest first. */
  issued: string[];
  set(behaviour: TokenBehaviour): void;
  close(): Promise<void>;
}

/** GitHub's claims for a push of a tag in octo-org/firmware, run 4242, attempt 1. */
export function githubClaims(audience: string, nowSeconds: number, lifetime: number) {
  return {
    jti: randomBytes(8).toString("hex"),
    sub: "repo:octo-org/firmware:ref:refs/tags/v2.0.0",
    aud: audience,
    ref: "refs/tags/v2.0.0",
    ref_type: "tag",
    repository: "octo-org/firmware",
    repository_owner: "octo-org",
    run_id: "4242",
    run_attempt: "1",
    event_name: "push",
    iss: GITHUB_ISSUER,
    nbf: nowSeconds - 5,
    iat: nowSeconds - 5,
    exp: nowSeconds + lifetime,
  };
}

/** Starts the endpoint on 127.0.0.1 with a fresh key pair. */
export async function startTokenEndpoint(initial: TokenBehaviour = {}): Promise<TokenEndpoint> {
  const { privateKey, publicKey } = makeKeyPair();
  const requestToken = `runner-request-token-${randomBytes(12).toString("hex")}`;
  let behaviour = initial;
  const requests: TokenEndpoint["requests"] = [];
  const issued: string[] = [];
  const answer = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://token.invalid");
    const audience = url.searchParams.get("audience") ?? undefined;
    const authorized = req.headers.authorization === `Bearer ${requestToken}`;
    requests.push({ audience, authorized });
    const send = (status: number, body: object) => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.method !== "GET" || url.pathname !== "/token")
      return send(404, { message: "Not Found" });
    if (!authorized) return send(401, { message: "Bad credentials" });
    if (behaviour.status !== undefined) return send(behaviour.status, { message: "refused" });
    const now = Math.floor(Date.now() / 1000);
    // Without an audience GitHub puts the owner's URL in aud.
    const aud = audience ?? "https://github.com/octo-org";
    const claims = {
      ...githubClaims(aud, now, behaviour.lifetimeSeconds ?? 300),
      ...behaviour.claims,
    };
    const token = signJwt(claims, behaviour.signingKey ?? privateKey);
    issued.push(token);
    send(200, { count: 1, value: token });
  };
  const server = createServer(answer);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    env: {
      // The runner's URL carries a query already; core.getIDToken appends "&audience=…".
      ACTIONS_ID_TOKEN_REQUEST_URL: `http://127.0.0.1:${port}/token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken,
    },
    publicKey,
    requests,
    issued,
    set: (next) => {
      behaviour = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
