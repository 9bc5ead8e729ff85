// A small TC3 signer for the emulator's own tests. Written separately from the emulator's
// verifier (tc3.ts) so the two check each other; both are checked against Tencent's vectors.
import { createHash, createHmac } from "node:crypto";

/** Everything one signature depends on. */
export interface SignInput {
  secretId: string;
  secretKey: string;
  service: string;
  host: string;
  contentType: string;
  body: string | Buffer;
  timestamp: number;
  /** When given, x-tc-action is signed too (value lower-cased, as Tencent's current doc does). */
  action?: string;
}

const hex = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");
const mac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();

/** The Authorization header value for a POST to "/". */
export function authorizationFor(input: SignInput): string {
  const headers: [string, string][] = [
    ["content-type", input.contentType],
    ["host", input.host],
  ];
  if (input.action !== undefined) headers.push(["x-tc-action", input.action]);
  const signed = headers.map(([name]) => name).join(";");
  const canonicalHeaders = headers.map(([n, v]) => `${n}:${v.trim().toLowerCase()}\n`).join("");
  const canonical = `POST\n/\n\n${canonicalHeaders}\n${signed}\n${hex(input.body)}`;
  const date = new Date(input.timestamp * 1000).toISOString().slice(0, 10);
  const scope = `${date}/${input.service}/tc3_request`;
  const toSign = `TC3-HMAC-SHA256\n${input.timestamp}\n${scope}\n${hex(canonical)}`;
  const key = mac(mac(mac(`TC3${input.secretKey}`, date), input.service), "tc3_request");
  const sig = createHmac("sha256", key).update(toSign).digest("hex");
  return `TC3-HMAC-SHA256 Credential=${input.secretId}/${scope}, SignedHeaders=${signed}, Signature=${sig}`;
}
