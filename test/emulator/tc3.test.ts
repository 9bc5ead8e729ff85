import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { canonicalRequest, sha256Hex, verifyTc3, type ReceivedRequest } from "./tc3.js";
import { authorizationFor } from "./test-signer.js";

interface Vector {
  name: string;
  secretId: string;
  secretKey: string;
  signedHeaders: string;
  action?: string;
  canonicalRequestSha256: string;
  signature: string;
}

interface VectorFile {
  common: {
    service: string;
    host: string;
    contentType: string;
    timestamp: number;
    date: string;
    payload: string;
    hashedPayload: string;
  };
  vectors: Vector[];
}

// A copy of Tencent's worked examples (shared/tc3-vectors.json), kept here so CI has it.
const file = JSON.parse(
  readFileSync(new URL("./fixtures/tc3-vectors.json", import.meta.url), "utf8"),
) as VectorFile;
const { common } = file;

function received(v: Vector): ReceivedRequest {
  const headers: Record<string, string> = { "content-type": common.contentType, host: common.host };
  if (v.action) headers["x-tc-action"] = v.action;
  return { method: "POST", path: "/", query: "", headers, body: Buffer.from(common.payload) };
}

function verify(v: Vector, authorization: string, nowSeconds = common.timestamp) {
  const req = received(v);
  req.headers["authorization"] = authorization;
  verifyTc3(req, {
    service: common.service,
    timestamp: common.timestamp,
    nowSeconds,
    toleranceSeconds: 300,
    keyFor: (id) => (id === v.secretId ? { secretKey: v.secretKey } : undefined),
  });
}

const tencentHeader = (v: Vector) =>
  `TC3-HMAC-SHA256 Credential=${v.secretId}/${common.date}/${common.service}/tc3_request, ` +
  `SignedHeaders=${v.signedHeaders}, Signature=${v.signature}`;

describe("TC3 verifier against Tencent's published vectors", () => {
  it("hashes the payload as Tencent does", () => {
    expect(sha256Hex(common.payload)).toBe(common.hashedPayload);
  });

  it.each(file.vectors)("$name: canonical request and signature", (v) => {
    const canonical = canonicalRequest(received(v), v.signedHeaders.split(";"));
    expect(sha256Hex(canonical)).toBe(v.canonicalRequestSha256);
    expect(() => verify(v, tencentHeader(v))).not.toThrow();
  });

  it.each(file.vectors)("$name: one changed signature digit fails", (v) => {
    const bad = tencentHeader(v).replace(/.$/, (c) => (c === "0" ? "1" : "0"));
    expect(() => verify(v, bad)).toThrow(
      expect.objectContaining({ code: "AuthFailure.SignatureFailure" }),
    );
  });

  it("rejects the vector six minutes later as expired", () => {
    const v = file.vectors[0] as Vector;
    expect(() => verify(v, tencentHeader(v), common.timestamp + 360)).toThrow(
      expect.objectContaining({ code: "AuthFailure.SignatureExpire" }),
    );
  });
});

describe("test signer against Tencent's published vectors", () => {
  it.each(file.vectors)("$name", (v) => {
    const header = authorizationFor({
      secretId: v.secretId,
      secretKey: v.secretKey,
      service: common.service,
      host: common.host,
      contentType: common.contentType,
      body: common.payload,
      timestamp: common.timestamp,
      ...(v.action ? { action: v.action } : {}),
    });
    expect(header).toBe(tencentHeader(v));
  });
});
