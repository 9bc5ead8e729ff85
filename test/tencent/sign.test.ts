import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  canonicalRequest,
  credentialScope,
  sha256Hex,
  sign,
  signature,
  signedHeaderNames,
  signingKey,
  stringToSign,
  utcDate,
} from "../../src/tencent/sign.js";

// Tencent's published worked examples (copied from shared/tc3-vectors.json).
interface Vector {
  name: string;
  secretId: string;
  secretKey: string;
  signedHeaders: string;
  action?: string;
  canonicalRequestSha256: string;
  stringToSign?: string;
  signature: string;
}
const file = JSON.parse(
  readFileSync(new URL("../fixtures/tc3-vectors.json", import.meta.url), "utf8"),
) as {
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
};
const { common } = file;

function headersOf(vector: Vector): Record<string, string> {
  const headers: Record<string, string> = { "content-type": common.contentType, host: common.host };
  if (vector.action !== undefined) headers["x-tc-action"] = vector.action;
  return headers;
}

describe("TC3-HMAC-SHA256 against Tencent's published examples", () => {
  it("hashes the payload and dates the timestamp as the examples do", () => {
    expect(sha256Hex(common.payload)).toBe(common.hashedPayload);
    expect(utcDate(common.timestamp)).toBe(common.date);
  });

  it.each(file.vectors)("$name: each step matches", (vector) => {
    const headers = headersOf(vector);
    expect(signedHeaderNames(headers)).toBe(vector.signedHeaders);

    const canonical = canonicalRequest(headers, common.hashedPayload);
    expect(sha256Hex(canonical)).toBe(vector.canonicalRequestSha256);

    const scope = credentialScope(common.date, common.service);
    const toSign = stringToSign(common.timestamp, scope, canonical);
    const key = signingKey(vector.secretKey, common.date, common.service);
    expect(signature(key, toSign)).toBe(vector.signature);
  });

  // Not every published example gives its string to sign; those that do are checked whole.
  it.each(file.vectors.filter((vector) => vector.stringToSign !== undefined))(
    "$name: the string to sign is the example's",
    (vector) => {
      const canonical = canonicalRequest(headersOf(vector), common.hashedPayload);
      const scope = credentialScope(common.date, common.service);
      expect(stringToSign(common.timestamp, scope, canonical)).toBe(vector.stringToSign);
    },
  );

  it.each(file.vectors)("$name: the Authorization header carries it all", (vector) => {
    const header = sign({
      secretId: vector.secretId,
      secretKey: vector.secretKey,
      service: common.service,
      headers: headersOf(vector),
      payload: common.payload,
      timestamp: common.timestamp,
    });
    expect(header).toBe(
      `TC3-HMAC-SHA256 Credential=${vector.secretId}/${common.date}/${common.service}/tc3_request, ` +
        `SignedHeaders=${vector.signedHeaders}, Signature=${vector.signature}`,
    );
  });

  it("signs the bytes it is given: one changed byte changes the signature", () => {
    const vector = file.vectors[0]!;
    const base = {
      ...vector,
      service: common.service,
      headers: headersOf(vector),
      timestamp: common.timestamp,
    };
    const original = sign({ ...base, payload: common.payload });
    const tampered = sign({ ...base, payload: common.payload.replace("1", "2") });
    expect(tampered).not.toBe(original);
    expect(sign({ ...base, payload: Buffer.from(common.payload) })).toBe(original);
  });
});
