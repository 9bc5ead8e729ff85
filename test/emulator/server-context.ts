import type { ActionContext } from "./actions/index.js";
import type { FaultQueue } from "./faults.js";
import type { StsState } from "./sts-state.js";
import type { EmulatorCredentials, RecordedRequest } from "./types.js";

/** Everything a request handler may use. */
export interface ServerContext extends ActionContext {
  credentials: EmulatorCredentials;
  faults: FaultQueue;
  /** EmulatorOptions.hashUploads. */
  hashUploads: boolean;
  /** STS: providers, roles, and the temporary keys issued. */
  sts: StsState;
  requests: RecordedRequest[];
  onRequest: ((request: RecordedRequest) => void) | undefined;
  /** A delay that ends early when the emulator closes. */
  sleep(ms: number): Promise<void>;
}
