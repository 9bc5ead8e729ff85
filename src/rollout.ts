import * as core from "@actions/core";
import { checkFirmware } from "./task/check-firmware.js";
import { listTasksBefore } from "./task/create-once.js";
import { dryRun } from "./report/dry-run.js";
import { ActionError } from "./run/errors.js";
import { nameDevices } from "./follow/device-findings.js";
import { resultCounts, type FollowResult } from "./follow/follow-task.js";
import { describeGate } from "./follow/judge.js";
import type { Inputs } from "./inputs/read-inputs.js";
import { setOutputs } from "./report/outputs.js";
import { formatDuration } from "./follow/progress.js";
import type { RunReport } from "./report/run-report.js";
import { describeTarget, rolloutRequest } from "./target/request.js";
import { findRunningTask } from "./task/running-tasks.js";
import { createTask, nameTask, type Task } from "./task/create-task.js";
import { follow } from "./follow/follow.js";
import type { RunContext, StepContext } from "./run/context.js";
import { planRollout } from "./waves/plan-rollout.js";
import { rolloutInWaves } from "./waves/rollout-waves.js";
import { connect } from "./credentials/iotvideo-client.js";
import { scanList, uploadList } from "./target/device-list.js";
import { taskLine, upgradedOf } from "./deployment/ledger.js";

/** The story of one rollout: check, (upload,) create or follow, and, with `wait`, see it through. */
export async function rollout(inputs: Inputs, ctx: RunContext): Promise<void> {
  const { report, watch } = ctx;
  report.inputs = inputs;
  // A device list is read and checked whole before the first request.
  const scanned =
    inputs.target.kind === "file"
      ? await scanList(inputs.target, inputs.waves === undefined)
      : undefined;
  if (scanned)
    report.list = { path: scanned.path, deviceCount: scanned.deviceCount, size: scanned.size };
  report.target = describeTarget(inputs, scanned?.deviceCount);
  // So are the waves: a canary outside the target is refused before anything is sent.
  const waves = inputs.waves && (await planRollout(inputs, inputs.waves, scanned));
  const { client, policy } = await connect(inputs, ctx);
  const step: StepContext = { ...ctx, inputs, client, policy };
  announce(inputs, report.target);
  await checkFirmware(client, inputs, policy);
  if (inputs.waves !== undefined && waves !== undefined) {
    return rolloutInWaves(inputs.waves, { ...step, scanned, waves });
  }
  const base = { ProductID: inputs.productId, FirmwareVersion: inputs.firmwareVersion };
  const before = await listTasksBefore(client, base, policy);
  if (inputs.dryRun) return dryRun(inputs, scanned, report);
  const running = scanned
    ? undefined
    : await findRunningTask(client, rolloutRequest(inputs), before, policy);
  let task: Task;
  if (running !== undefined) {
    task = { taskId: running, requestId: "", origin: "followed" };
  } else {
    watch.at({ step: "uploading" });
    const list = scanned && (await uploadList(client, inputs, scanned, policy, ctx.dispatchers));
    if (list && report.list) report.list.md5 = list.md5;
    const request = rolloutRequest(inputs, list);
    task = await createTask(step, request, before, report.target);
  }
  watch.at({ step: "created", taskId: task.taskId });
  report.task = task;
  nameTask(task, inputs);
  const how = task.origin === "followed" ? "already running, followed" : "created";
  await ctx.deployment.progress(taskLine(task.taskId, `${how}: ${report.target}`));
  if (watch.cancelled()) {
    throw new ActionError(
      `The step was cancelled after upgrade task ${task.taskId} was created; the task goes on.`,
    );
  }
  if (inputs.wait === undefined) {
    report.status = "created";
    return;
  }
  watch.at({ step: "waiting", taskId: task.taskId });
  const gate = { maxFailed: inputs.wait.maxFailed };
  const result = await follow(step, gate, task.taskId, (seen) =>
    taskLine(task.taskId, upgradedOf(seen.succeeded, seen.total)),
  );
  report.follow = result;
  judgeResult(result, task, inputs, report);
}

function announce(inputs: Inputs, target: string): void {
  if (inputs.versionSource === "tag") {
    core.info(
      `firmware-version ${inputs.firmwareVersion} comes from the tag ${process.env["GITHUB_REF"] ?? ""}.`,
    );
  }
  core.info(
    `${inputs.dryRun ? "Dry run of rolling" : "Rolling"} out firmware ${inputs.firmwareVersion} of product ${inputs.productId} to ${target} ` +
      `(${inputs.upgradeMethod === 0 ? "silent" : "confirm"} upgrade, endpoint ${inputs.endpoint.origin}).`,
  );
}

/** Outputs and the step's verdict from how the wait ended. */
function judgeResult(result: FollowResult, task: Task, inputs: Inputs, report: RunReport): void {
  const counts = resultCounts(result);
  const status =
    result.decision.kind === "succeeded"
      ? "succeeded"
      : result.decision.kind === "timed-out"
        ? "timed-out"
        : "failed";
  report.status = status;
  setOutputs(
    {
      "devices-total": String(counts.total),
      "devices-succeeded": String(counts.succeeded),
      "devices-failed": String(counts.failed),
      "devices-pending": String(counts.pending),
    },
    task.taskId,
  );
  const goesOn = `Task ${task.taskId} goes on upgrading the remaining devices on Tencent's side`;
  const { failed, pending } = result.devices;
  switch (result.decision.kind) {
    case "succeeded":
      core.info(
        `Task ${task.taskId}: ${counts.succeeded} of ${counts.total} devices upgraded, ${counts.failed} failed (allowed ${describeAllowed(inputs)}), ${counts.pending} pending (offline or awaiting confirmation).`,
      );
      if (counts.failed > 0) core.info(`Failed: ${nameDevices(failed, counts.failed)}.`);
      if (pending.length > 0) core.info(`Not upgraded: ${nameDevices(pending, counts.pending)}.`);
      return;
    case "failed":
      throw new ActionError(
        `${counts.failed} device(s) of task ${task.taskId} failed to upgrade, more than max-failed-devices allows (${result.decision.allowed}): ${nameDevices(failed, counts.failed)}. ${goesOn}; the job summary lists the failed devices with Tencent's messages.`,
      );
    case "timed-out": {
      const named =
        pending.length > 0 ? ` Not upgraded: ${nameDevices(pending, counts.pending)}.` : "";
      const state =
        result.decision.why === "upgrading" ? "was still upgrading" : "had not upgraded";
      throw new ActionError(
        `Task ${task.taskId} ${state} ${counts.pending} device(s) when wait-timeout (${formatDuration(inputs.wait!.timeoutMs)}) passed (${describeGate(result.counts, result.findings, result.gate)}).${named} ${goesOn}; follow it in the console, or run the job again to follow it again.`,
      );
    }
    case "cancelled":
      throw new ActionError(
        `The step was cancelled while following task ${task.taskId}. ${goesOn}.`,
      );
  }
}

function describeAllowed(inputs: Inputs): string {
  const threshold = inputs.wait!.maxFailed;
  return "count" in threshold ? String(threshold.count) : `${threshold.percent}%`;
}
