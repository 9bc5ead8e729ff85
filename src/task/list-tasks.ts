import {
  describeFirmwareTasks,
  type BatchUpdateFirmwareRequest,
} from "../tencent/iotvideo/tasks.js";
import type { TencentClient } from "../tencent/client.js";
import { retryUnlessDefinite, withRetries, type RetryPolicy } from "../http/retry.js";
import { PAGE_SIZE } from "../tencent/assumptions.js";

/** A firmware version's tasks as listed, and whether the listing is known to be whole. */
export interface TaskList {
  /** Task id → RequestId of the page that listed it. */
  tasks: Map<number, string>;
  /** Task id → CreateTime (unix s), where the listing gave one. */
  created?: Map<number, number>;
  complete: boolean;
  /** Why the listing is not whole (when it is not). */
  cut?: string;
}

/** 10,000 tasks of one version: far past any real fleet's history, and a bounded number of calls. */
export const MAX_PAGES = 100;

/** One page as DescribeFirmwareTasks answered it. */
export interface Page {
  ids: number[];
  total: number;
  /** Ids that could not be read exactly (beyond 2^53, or not integers). */
  unreadable: number;
}

/**
 * Pure: after the pages so far, is the listing done, and is it whole? Neither Total nor the
 * pages alone are trusted: a full page asks for the next one whatever Total says (a server
 * answered Total 0 with tasks), and an empty page before Total is reached means the listing
 * was cut (a server stopped at 2,000 tasks without saying so).
 */
export function nextStep(
  pages: readonly Page[],
  pageSize: number,
  maxPages: number,
): { done: false } | { done: true; cut?: string } {
  const last = pages[pages.length - 1];
  if (last === undefined) return { done: false };
  const listed = pages.reduce((sum, page) => sum + page.ids.length + page.unreadable, 0);
  const unreadable = pages.reduce((sum, page) => sum + page.unreadable, 0);
  const returned = last.ids.length + last.unreadable;
  const total = Math.max(...pages.map((page) => page.total));
  let ended: boolean;
  let cut: string | undefined;
  if (returned === 0) {
    ended = true;
    if (listed < total) cut = `Total says ${total} tasks, but the pages stopped after ${listed}`;
  } else {
    ended = returned < pageSize && listed >= total;
  }
  if (!ended && pages.length >= maxPages) {
    ended = true;
    cut = `more than ${listed} tasks; the action reads at most ${maxPages * pageSize}`;
  }
  if (!ended) return { done: false };
  if (cut === undefined && unreadable > 0) {
    cut = `${unreadable} TaskId(s) could not be read exactly (beyond 2^53 or not integers)`;
  }
  return cut === undefined ? { done: true } : { done: true, cut };
}

/** Every task id of the version, paged until nextStep() says the listing is done. */
export async function listTasks(
  client: TencentClient,
  request: BatchUpdateFirmwareRequest,
  policy: RetryPolicy,
): Promise<TaskList> {
  const tasks = new Map<number, string>();
  const created = new Map<number, number>();
  const pages: Page[] = [];
  for (;;) {
    const offset = pages.reduce((sum, page) => sum + page.ids.length + page.unreadable, 0);
    const result = await withRetries(
      "DescribeFirmwareTasks",
      policy,
      () =>
        describeFirmwareTasks(
          client,
          request.ProductID,
          request.FirmwareVersion,
          offset,
          PAGE_SIZE,
        ),
      retryUnlessDefinite,
    );
    for (const id of result.ids) tasks.set(id, result.requestId);
    for (const [id, time] of result.created) created.set(id, time);
    pages.push(result);
    const step = nextStep(pages, PAGE_SIZE, MAX_PAGES);
    if (step.done)
      return step.cut === undefined
        ? { tasks, created, complete: true }
        : { tasks, created, complete: false, cut: step.cut };
  }
}
