import * as core from "@actions/core";
import { forLog, redact } from "../report/outside-text.js";
import { setOutputs } from "../report/outputs.js";
import type { RunReport } from "../report/run-report.js";
import type { Clock } from "../run/context.js";
import { classify, detailOf, warning } from "./failures.js";
import {
  openDeploymentsApi,
  type DeploymentsApi,
  type DeploymentState,
  type FoundStatus,
} from "./github.js";
import { fit, readLedger, type LedgerWave } from "./ledger.js";
import { payloadOf, sameRollout, type RolloutPayload } from "./payload.js";
import { environmentUrl, type DeploymentSettings } from "./settings.js";

/** The environment's newest deployments looked through for this rollout's (100 a page). */
const LIST_PAGES = 3;
/** A deployment's statuses read back for the ledger: the newest 1,000 (GitHub documents no cap). */
const STATUS_PAGES = 10;
const PAGE = 100;
/** Failed attempts in a row that turn the record off for the rest of the run. */
const MAX_FAILURES = 2;
/** Progress while following is posted at most this often (6 an hour, far below the token's limit). */
const PROGRESS_MS = 600_000;
/** The pause before trying a call GitHub did not answer once more. */
const RETRY_MS = 1000;

/**
 * The rollout recorded as a GitHub Deployment: one per rollout of a version to an environment,
 * found again by later runs, with a status per step. Never throws and never holds the rollout
 * for long: a call GitHub refuses turns the record off with one warning, and an outage costs at
 * most MAX_FAILURES attempts of GITHUB_CALL_MS each. Tencent stays the truth; this is the record.
 */
export class DeploymentRecord {
  private api: DeploymentsApi | undefined;
  private off: boolean;
  private failures = 0;
  private id: number | undefined;
  private looked = false;
  private statuses: FoundStatus[] | undefined;
  private found: RolloutPayload | undefined;
  /** When this run last posted a status (run's clock, ms); undefined before its first. */
  private postedAt: number | undefined;
  /** A call GitHub did not answer, and what it would have recorded, while the record stayed on. */
  private lost: string | undefined;
  /** The plan's digest, set by a wave rollout before the deployment is created. */
  plan: string | undefined;

  constructor(
    private readonly settings: DeploymentSettings | undefined,
    private readonly clock: Clock,
    private readonly report: RunReport,
  ) {
    this.off = settings === undefined;
  }

  /**
   * The waves' tasks an earlier run recorded, when this rollout's deployment was made for the
   * same plan. Undefined when there is none to read (first run, deployments off, GitHub down,
   * a changed plan): then Tencent's device rows are the only record.
   */
  async ledger(waves: number): Promise<Map<number, LedgerWave> | undefined> {
    const found = await this.find();
    if (found?.plan === undefined || this.statuses === undefined) return undefined;
    if (found.plan !== this.plan) {
      core.info(
        "The deployment's waves were planned from other devices or sizes: its record is not used.",
      );
      return undefined;
    }
    return readLedger(this.statuses, waves);
  }

  /** An `in_progress` status; the deployment is created with the first one. */
  async progress(description: string): Promise<void> {
    await this.post("in_progress", description);
  }

  /**
   * Progress while a task is followed: an `in_progress` status when PROGRESS_MS have passed
   * since this run's last one, so a wait of hours shows on GitHub without a status per poll.
   */
  async pollProgress(description: string): Promise<void> {
    const last = this.postedAt;
    if (last !== undefined && this.clock.now() - last < PROGRESS_MS) return;
    await this.progress(description);
  }

  /** The rollout's last status for this run; only when this run recorded something before. */
  async end(state: DeploymentState, description: string): Promise<void> {
    if (this.postedAt !== undefined) await this.post(state, description);
  }

  /**
   * Once the run is over: a warning when GitHub missed a call that the record could not make up
   * for (when GitHub refused, or failed twice, the warning was given then).
   */
  warnIfIncomplete(): void {
    if (this.lost === undefined || this.off) return;
    core.warning(
      `GitHub did not answer when the action tried to ${this.lost}: this run is not fully recorded on the deployment. The rollout went on; Tencent's outcome above stands.`,
    );
  }

  private async post(state: DeploymentState, description: string): Promise<void> {
    await this.find();
    if (!this.looked) return;
    if (this.id === undefined) await this.create();
    const id = this.id;
    if (id === undefined) return;
    const line = fit(forLog(redact(description), 200));
    await this.call("post a deployment status", (api) => api.post(id, state, line));
    this.postedAt = this.clock.now();
  }

  /**
   * This rollout's deployment, newest first among the environment's, looked for until a lookup
   * completes. Until then `looked` stays false and nothing is created: a list GitHub did not
   * answer must not lead to a second deployment of the same rollout.
   */
  private async find(): Promise<RolloutPayload | undefined> {
    if (this.looked) return this.found;
    const want = this.payload();
    if (want === undefined) return undefined;
    for (let page = 1; page <= LIST_PAGES; page++) {
      const list = await this.call("list deployments", (api) =>
        api.list(this.settings!.environment, page, PAGE),
      );
      if (list === undefined) return undefined;
      const match = list.find((d) => sameRollout(d.payload, want));
      if (match !== undefined) {
        this.looked = true;
        this.id = match.id;
        this.found = payloadOf(match.payload);
        this.linked();
        this.statuses = await this.readStatuses(match.id);
        return this.found;
      }
      if (list.length < PAGE) break;
    }
    this.looked = true;
    return undefined;
  }

  private async readStatuses(id: number): Promise<FoundStatus[] | undefined> {
    const all: FoundStatus[] = [];
    for (let page = 1; page <= STATUS_PAGES; page++) {
      const statuses = await this.call("read deployment statuses", (api) =>
        api.statuses(id, page, PAGE),
      );
      if (statuses === undefined) return undefined;
      all.push(...statuses);
      if (statuses.length < PAGE) break;
    }
    return all;
  }

  private async create(): Promise<void> {
    const payload = this.payload();
    if (payload === undefined || this.settings === undefined) return;
    const { environment, ref } = this.settings;
    const what = `Firmware ${payload.firmwareVersion} of product ${payload.product}`;
    const id = await this.call("create a deployment", (api) =>
      api.create({
        ref,
        environment,
        description: fit(`${what} to ${payload.target}`),
        payload: { ...payload },
      }),
    );
    if (id === undefined) return;
    this.id = id;
    this.linked();
    core.info(`The rollout is recorded as deployment ${id} in the environment ${environment}.`);
  }

  private payload(): RolloutPayload | undefined {
    const { inputs, target } = this.report;
    if (inputs === undefined || target === undefined) return undefined;
    return {
      tool: "iotvideo-firmware-rollout",
      product: inputs.productId,
      firmwareVersion: inputs.firmwareVersion,
      ...("originalVersion" in inputs.target && inputs.target.originalVersion !== undefined
        ? { originalVersion: inputs.target.originalVersion }
        : {}),
      target,
      ...(this.plan === undefined ? {} : { plan: this.plan }),
    };
  }

  private linked(): void {
    const settings = this.settings!;
    setOutputs({ "deployment-id": String(this.id) });
    this.report.deployment = {
      id: this.id!,
      environment: settings.environment,
      url: environmentUrl(settings),
    };
  }

  /**
   * One GitHub call, or undefined when the record is off or the call failed. A call that GitHub
   * did not answer is tried once more after a second (not one cut at its bound); MAX_FAILURES
   * failed attempts in a row, or any refusal, turn the record off with one warning.
   */
  private async call<T>(
    what: string,
    body: (api: DeploymentsApi) => Promise<T>,
  ): Promise<T | undefined> {
    for (let attempt = 1; !this.off && this.settings !== undefined; attempt++) {
      try {
        this.api ??= await openDeploymentsApi(this.settings, this.clock);
        const result = await body(this.api);
        this.failures = 0;
        return result;
      } catch (error) {
        const failure = classify(error);
        const again = failure.kind === "unavailable" && !failure.late && attempt === 1;
        if (failure.kind === "unavailable" && ++this.failures < MAX_FAILURES) {
          core.info(`GitHub did not answer when the action tried to ${what} (${detailOf(error)}).`);
          if (again) {
            await this.clock.sleep(RETRY_MS);
            continue;
          }
          this.lost = `${what} (${detailOf(error)})`;
          return undefined;
        }
        this.off = true;
        core.warning(warning(failure, what, error, this.failures));
      }
    }
    return undefined;
  }
}
