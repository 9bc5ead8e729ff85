/**
 * Every request this action sends to the outside, and what bounds each: the one place that says
 * so. Time: each attempt is cut at `request-timeout` (an AbortSignal over connecting, sending and
 * the whole answer, however slowly it drips), at most `max-attempts` attempts are made, and none
 * starts once its retry window has passed (src/tencent/retry.ts). Size: an answer is read up to
 * its cap and no further. A bound that is hit fails with a message naming the request's endpoint.
 * test/hostile/bounds.test.ts holds each against a stand-in that stalls, drips and floods.
 */

/** Longest wait for a connection (TCP, a proxy's tunnel, TLS): one attempt's share of its time. */
export const CONNECT_TIMEOUT_MS = 10_000;

/** What bounds one kind of request. */
export interface RequestBounds {
  /** Where it goes. */
  endpoint: string;
  /** Where it is made, so a reader can check the bound against the code. */
  madeIn: string;
  /** How long one attempt may take. */
  time: string;
  /** How many attempts. */
  attempts: string;
  /** The largest answer read. */
  maxAnswerBytes: number;
}

const KIB = 1024;
const MIB = 1024 * KIB;

/** The requests of a run, by name. */
export const REQUESTS = {
  /** Every IoT Video action (DescribeFirmware … BatchUpdateFirmware, CancelDeviceFirmwareTask). */
  iotVideo: {
    endpoint: "the endpoint input (iotvideo.tencentcloudapi.com)",
    madeIn: "src/tencent/client.ts",
    time: "request-timeout per attempt, answer included",
    attempts: "max-attempts per call; BatchUpdateFirmware only after a lookup proves no task",
    // A page of 100 tasks or devices is a few KB.
    maxAnswerBytes: 4 * MIB,
  },
  /** Keyless: AssumeRoleWithWebIdentity. */
  sts: {
    endpoint: "the sts-endpoint input (sts.tencentcloudapi.com)",
    madeIn: "src/keyless/sts.ts",
    time: "request-timeout per attempt, answer included",
    attempts: "max-attempts per exchange (renewals included)",
    // An STS answer is a few hundred bytes.
    maxAnswerBytes: 64 * KIB,
  },
  /** Keyless: the workflow's OIDC token, from the runner. */
  idToken: {
    endpoint: "ACTIONS_ID_TOKEN_REQUEST_URL (the runner's token service)",
    madeIn: "src/keyless/id-token.ts",
    time: "request-timeout per attempt, answer included",
    attempts: "max-attempts per token; an answer over the cap is not asked for again",
    // A GitHub ID token is about 1 KB; it is masked line by line, so a flood must stop here.
    maxAnswerBytes: 64 * KIB,
  },
  /** A device list's PUT to the pre-signed URL from CreateTaskFileUrl. */
  upload: {
    endpoint: "the upload URL CreateTaskFileUrl answers (object storage)",
    madeIn: "src/device-list/upload.ts",
    time: "request-timeout without progress while sending, then request-timeout for the whole answer",
    attempts: "max-attempts, each with a fresh URL",
    maxAnswerBytes: 4 * MIB,
  },
} as const satisfies Record<string, RequestBounds>;

/** The name of one kind of request. */
export type RequestName = keyof typeof REQUESTS;

/** "4 MiB", "64 KiB": a cap as messages say it. */
export function sizeInWords(bytes: number): string {
  return bytes >= MIB ? `${bytes / MIB} MiB` : `${bytes / KIB} KiB`;
}
