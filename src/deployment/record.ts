import * as core from "@actions/core";
import { forLog, redact } from "../report/outside-text.js";
import type { RunReport } from "../report/run-report.js";
import type { Clock } from "../run/context.js";
import { messageOf } from "../run/errors.js";
import {
  GitHubError,
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
/** A deployment's statuses read back for the ledger (GitHub keeps at most 1,000 of them). */
const STATUS_PAGES = 10;
const PAGE = 100;
/** Failed calls in a row that turn the record off for the rest of the run. */
const MAX_FAILURES = 2;

/**
 * The rollout recorded as a GitHub Deployment: one per rollout of a version to an environment,
 * found again by later runs, with a status per step. Never throws and never holds the rollout
 * for long: a call GitHub refuses turns the record off with one warning, and an outage costs at
 * most MAX_FAILURES calls of GITHUB_CALL_MS each. Tencent stays the truth; this is the record.
 */
export class DeploymentRecord {
  private api: DeploymentsApi | undefined;
  private off: boolean;
  private failures = 0;
  private id: number | undefined;
  private looked = false;
  private statuses: FoundStatus[] | undefined;
  private posted = false;
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
    if (found === undefined || this.statuses === undefined) return undefined;
    if (found.plan === undefined || found.plan !== this.plan) {
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

  /** The rollout's last status for this run; only when this run recorded something before. */
  async end(state: DeploymentState, description: string): Promise<void> {
    if (this.posted) await this.post(state, description);
  }

  private async post(state: DeploymentState, description: string): Promise<void> {
    await this.find();
    if (this.id === undefined) await this.create();
    const id = this.id;
    if (id === undefined) return;
    const line = fit(forLog(redact(description), 200));
    await this.call("post a deployment status", (api) => api.post(id, state, line));
    this.posted = true;
  }

  /** This rollout's deployment, newest first among the environment's, looked for once. */
  private async find(): Promise<RolloutPayload | undefined> {
    if (this.looked) return this.id === undefined ? undefined : this.found;
    this.looked = true;
    const want = this.payload();
    if (want === undefined) return undefined;
    for (let page = 1; page <= LIST_PAGES; page++) {
      const list = await this.call("list deployments", (api) =>
        api.list(this.settings!.environment, page, PAGE),
      );
      if (list === undefined) return undefined;
      const match = list.find((d) => sameRollout(d.payload, want));
      if (match !== undefined) {
        this.id = match.id;
        this.found = payloadOf(match.payload);
        this.linked();
        this.statuses = await this.readStatuses(match.id);
        return this.found;
      }
      if (list.length < PAGE) return undefined;
    }
    return undefined;
  }

  private found: RolloutPayload | undefined;

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
    this.report.deployment = {
      id: this.id!,
      environment: settings.environment,
      url: environmentUrl(settings),
    };
  }

  /** One GitHub call, or undefined when the record is off or the call failed. */
  private async call<T>(
    what: string,
    body: (api: DeploymentsApi) => Promise<T>,
  ): Promise<T | undefined> {
    if (this.off || this.settings === undefined) return undefined;
    try {
      this.api ??= await openDeploymentsApi(this.settings, this.clock);
      const result = await body(this.api);
      this.failures = 0;
      return result;
    } catch (error) {
      this.failed(what, error);
      return undefined;
    }
  }

  private failed(what: string, error: unknown): void {
    const status = error instanceof GitHubError ? error.status : undefined;
    const detail = forLog(redact(messageOf(error)), 200);
    const goesOn = "The rollout goes on without a deployment record.";
    const turnOff = "or set github-token to an empty string to turn deployments off";
    if (status === 403 || status === 401 || status === 404) {
      this.off = true;
      const fix =
        status === 401
          ? `github-token was not accepted: give a valid token (the default is the job's github.token), ${turnOff}.`
          : `Give the job the permission \`deployments: write\` (permissions: deployments: write), ${turnOff}.`;
      core.warning(
        `GitHub answered ${status} when the action tried to ${what} (${detail}). ${fix} ${goesOn}`,
      );
      return;
    }
    if (status !== undefined && status >= 400 && status < 500) {
      this.off = true;
      core.warning(`GitHub refused to ${what}: ${status} ${detail}. ${goesOn}`);
      return;
    }
    if (++this.failures >= MAX_FAILURES) {
      this.off = true;
      core.warning(
        `GitHub did not answer ${MAX_FAILURES} times in a row (last: ${what}: ${detail}): the deployment record is off for the rest of this run. ${goesOn}`,
      );
    } else {
      core.info(`GitHub did not answer when the action tried to ${what} (${detail}).`);
    }
  }
}
