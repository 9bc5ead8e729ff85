import type { Clock } from "../clock.js";
import type { ParamSchema } from "../params.js";
import type { Presigner } from "../presign.js";
import type { EmulatorState } from "../state.js";

/** What an action handler may use. */
export interface ActionContext {
  state: EmulatorState;
  clock: Clock;
  presigner: Presigner;
  /** "http://127.0.0.1:<port>", for URLs handed to clients. */
  baseUrl: string;
}

/** One API action: its parameters and what it does; `run` gets params already type-checked. */
export interface ActionDef {
  schema: ParamSchema;
  run(params: Record<string, unknown>, ctx: ActionContext): Record<string, unknown>;
}
