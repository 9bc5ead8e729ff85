/** A product the emulator knows: its registered firmware versions and its devices. */
export interface ProductSeed {
  firmwareVersions: string[];
  devices: Record<string, { version: string }>;
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
  status: number;
}

/** A device-list file fully received through a pre-signed upload URL. */
export interface UploadRecord {
  fileName: string;
  md5: string;
  size: number;
  /** Counted for uploads of at most 1 MiB (KEEP_NAMES_MAX_BYTES) only. */
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
  tasks: TaskRecord[];
  /** Completed uploads by FileName. */
  uploads: Map<string, UploadRecord>;
  /** Queue faults for the next requests to `target` (an action name, or "upload"), one each. */
  script(target: string, ...faults: Fault[]): void;
  setClockSkew(seconds: number): void;
  /** Closes the server and every open connection. */
  close(): Promise<void>;
}
