import type { KeyObject } from "node:crypto";

/** A product the emulator knows: its registered firmware versions and its devices. */
export interface ProductSeed {
  firmwareVersions: string[];
  /** A device's `version` changes to a task's version when the task brings it to 6 (done). */
  devices: Record<string, { version: string }>;
  /** DescribeFirmware's Md5sum by version; unset versions get defaultFirmwareMd5(version). */
  firmwareMd5?: Record<string, string>;
}

/** What a device does in the tasks that include it (status codes as in API.md). */
export type DeviceOutcomeName =
  /** 1 pending → 3 downloading → 4 flashing → 6 done; then the device is on the new version. */
  | "succeed"
  /** 1 → 3 → 5 failed, ErrMsg "download failed", Retcode -1 (or as the object form says). */
  | "fail"
  /** 5 failed at once, as "fail" reports it: for tests that must not depend on poll timing. */
  | "fail-at-once"
  /** 1 → 3 → 10 timed out, ErrMsg "upgrade timed out", Retcode -1 (or as the object form says). */
  | "time-out"
  /** 0 offline, forever. */
  | "offline"
  /** 1 → 8 waiting for the user's confirmation, forever. */
  | "await-confirmation"
  /** 5 at once with ErrMsg "firmware no need update." and Retcode 0, as Tencent reports it. */
  | "up-to-date"
  /** 1 → 3 downloading, forever. */
  | "stall";

/** A device's outcome; the object form sets what a failure or time-out reports. */
export type DeviceOutcome =
  DeviceOutcomeName | { outcome: "fail" | "time-out"; errMsg?: string; retcode?: number };

/**
 * A device's plan: one outcome for every task that includes it, or one per task in turn (the
 * last repeats). Unplanned devices succeed, or are "up-to-date" when already on the task's version.
 */
export type DevicePlan = DeviceOutcome | readonly DeviceOutcome[];

/**
 * One device in one task, as DescribeFirmwareTaskDevices reports it, plus what only tests see
 * (`cancelled`, `retries`, `history`). CancelDeviceFirmwareTask stops a device that has not
 * finished: it reports 5 (failed) with ErrMsg "cancelled" and Retcode -1 from then on (an
 * ASSUMPTION: see CANCELLED_STATUS), no longer counts as updating, and DescribeFirmwareTaskDistribution
 * counts it under 5. RetryDeviceFirmwareTask puts a failed (5) or timed-out (10) device back to
 * the first status of its next planned outcome, and it moves on from there, step by step.
 */
export interface TaskDeviceRecord {
  taskId: number;
  deviceName: string;
  status: number;
  /** The device's version when the task was created ("" for names the product lacks). */
  oriVersion: string;
  dstVersion: string;
  percent: number;
  errMsg: string;
  retcode: number;
  /** Unix seconds, server clock: when the status last changed. */
  lastProcessTime: number;
  /** True from a CancelDeviceFirmwareTask until a RetryDeviceFirmwareTask of the device. */
  cancelled: boolean;
  /** How many times RetryDeviceFirmwareTask restarted the device in this task. */
  retries: number;
  /**
   * Every status the device has had in this task, oldest first: each one its path passed (also
   * those one big step skipped over), 5 for a cancel, and the new path's first for a retry.
   */
  history: number[];
}

/** API keys the emulator accepts; with `token`, requests must carry it in X-TC-Token. */
export interface EmulatorCredentials {
  secretId: string;
  secretKey: string;
  token?: string;
}

/** How to start an emulator; every field is optional. */
export interface EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Defaults to TEST_CREDENTIALS. */
  credentials?: EmulatorCredentials;
  /** Server clock = real clock + this many seconds (default 0). */
  clockSkewSeconds?: number;
  /** Defaults to SAMPLE_PRODUCT_ID with three firmware versions and five devices on "1.0.0". */
  products?: Record<string, ProductSeed>;
  /** Called once per request when its exchange is over (the CLI logs with it). */
  onRequest?: (request: RecordedRequest) => void;
  /**
   * How devices move through their plan's statuses. Unset (the default): one step per
   * DescribeFirmwareTaskDistribution call for the task, taken before answering, so a test
   * decides how far a task gets by how often it polls, whatever the clocks say (fake timers
   * too). Set: one step every `deviceStepMs` ms of real time since the task was created, and
   * polls take no steps. Either way `Emulator.advance` takes extra steps.
   */
  deviceStepMs?: number;
  /**
   * false: uploads are only counted, not hashed (for benchmarks, so the figure is the client's):
   * no ETag, no names kept, and BatchUpdateFirmware takes the FileMd5 it is given, which then
   * stands as the upload's `md5`. Default true.
   */
  hashUploads?: boolean;
  /** How devices behave from the start; the same as calling `planDevices` at once. */
  devicePlans?: Record<string, DevicePlan>;
  /** Faults queued from the start, by target; the same as calling `script` at once. */
  faults?: Record<string, Fault[]>;
  /** STS AssumeRoleWithWebIdentity: the identity providers and roles it knows (none by default). */
  sts?: StsOptions;
}

/** A CAM OIDC identity provider of the emulator's STS; its name (the map key) is the ProviderId. */
export interface StsProvider {
  /** The identity provider URL a token's iss must equal; default GitHub's issuer. */
  issuer?: string;
  /** The provider's client ids: a token's aud must be one of them. */
  clientIds: string[];
  /** The signing public keys (PEM or KeyObject) it trusts, as a provider holds GitHub's JWKS. */
  publicKeys: Array<string | KeyObject>;
}

/** A CAM role of the emulator's STS and what its trust policy allows. */
export interface StsRole {
  /** The identity providers (ProviderId) its trust policy names; default every provider. */
  providers?: string[];
  /** oidc:sub patterns it allows, "*" matching any characters; default any sub. */
  subjects?: string[];
  /** The longest DurationSeconds it allows; default 43200. */
  maxSessionDuration?: number;
}

/** What the emulator's STS knows. */
export interface StsOptions {
  /** By ProviderId. */
  providers: Record<string, StsProvider>;
  /** By RoleArn, e.g. "qcs::cam::uin/100000000001:roleName/rollout". */
  roles: Record<string, StsRole>;
  /** Issue keys that live this many seconds, whatever DurationSeconds asked. */
  lifetimeSeconds?: number;
}

/** Temporary keys the emulator's STS issued; IoT Video accepts them with the token until expiredTime. */
export interface IssuedCredentials {
  secretId: string;
  secretKey: string;
  token: string;
  /** Unix seconds, server clock. */
  expiredTime: number;
  roleArn: string;
  roleSessionName: string;
  providerId: string;
  durationSeconds: number;
  /** The token's sub and aud. */
  subject: string;
  audience: string;
}

/** One request that reached the server, as the emulator saw and answered it. */
export interface RecordedRequest {
  kind: "api" | "upload" | "other";
  /** X-TC-Action of an API call. */
  action?: string;
  /** The JSON body of an API call, when it parsed as an object. */
  params?: Record<string, unknown>;
  /** HTTP status answered; 0 when the connection was cut without an answer. */
  status: number;
  /** Tencent error code (API) or object-storage error code (upload) that was meant. */
  errorCode?: string;
  /** The error message that went with errorCode. */
  message?: string;
  /** The SecretId an API call was signed with, when its Authorization named one. */
  secretId?: string;
  /** Type of the scripted fault applied to this request. */
  fault?: Fault["type"];
  /** HTTP method and URL path (never the query: upload URLs carry a signature). */
  method?: string;
  path?: string;
}

/** A firmware task created by BatchUpdateFirmware. */
export interface TaskRecord {
  taskId: number;
  productId: string;
  firmwareVersion: string;
  upgradeMethod: number;
  /** Unix seconds, server clock. */
  createTime: number;
  originalVersion?: string;
  deviceNames?: string[];
  fileName?: string;
  /**
   * TASK_STATUS_RUNNING (1) while any device is not terminal (5, 6, 10), else TASK_STATUS_DONE (2);
   * a cancel may finish a task, and a retry makes it run again.
   */
  status: number;
}

/** A device-list file fully received through a pre-signed upload URL. */
export interface UploadRecord {
  fileName: string;
  /** Empty for an unhashed upload (hashUploads: false) until a task names it. */
  md5: string;
  size: number;
  /** Counted for uploads of at most 4 MiB (KEEP_NAMES_MAX_BYTES) only. */
  lineCount?: number;
}

/** A misbehaviour scripted for the next matching request. */
export type Fault =
  | { type: "rate-limit"; code?: string }
  | { type: "error"; code: string; message?: string; process?: boolean }
  | { type: "reset-before" }
  | { type: "status"; status: number; body?: string; process?: boolean }
  | { type: "truncated"; process?: boolean }
  | { type: "non-json"; process?: boolean }
  | { type: "slow"; delayMs: number; process?: boolean }
  | { type: "lost-after-process" }
  | { type: "expired" }
  | { type: "drop" };

/** A running emulator. */
export interface Emulator {
  /** "http://127.0.0.1:<port>" */
  url: string;
  credentials: EmulatorCredentials;
  /** Every request that reached the server, in arrival order. */
  requests: RecordedRequest[];
  /** Every task created, oldest first, with its status as of now. */
  readonly tasks: TaskRecord[];
  /** Completed uploads by FileName. */
  uploads: Map<string, UploadRecord>;
  /** The products as they are now: device versions change as tasks bring devices to 6. */
  products: ReadonlyMap<string, ProductSeed>;
  /** Queue faults for the next requests to `target` (an action name, or "upload"), one each. */
  script(target: string, ...faults: Fault[]): void;
  /**
   * How the named devices (of any product) behave in the tasks created from now on that include
   * them; replaces their earlier plans. Tasks already created keep the plans they started with.
   */
  planDevices(plans: Record<string, DevicePlan>): void;
  /** Takes `steps` (default 1) more steps for every device of a task, as that many polls would. */
  advance(taskId: number, steps?: number): void;
  /**
   * A task's devices with their status as of now (empty for an unknown task), with their cancels,
   * retries and every status they have had. The CancelDeviceFirmwareTask and
   * RetryDeviceFirmwareTask calls themselves (params, errorCode) are in `requests`.
   */
  taskDevices(taskId: number): TaskDeviceRecord[];
  setClockSkew(seconds: number): void;
  /** Replaces what STS knows (providers, roles); keys issued before stay valid. */
  configureSts(options: StsOptions): void;
  /** Every set of temporary keys STS issued, oldest first. */
  readonly stsIssued: readonly IssuedCredentials[];
  /** Closes the server and every open connection. */
  close(): Promise<void>;
}
