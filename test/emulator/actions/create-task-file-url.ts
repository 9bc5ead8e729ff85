import { UPLOAD_URL_TTL_SECONDS } from "../assumptions.js";
import type { ActionContext, ActionDef } from "./context.js";

function createTaskFileUrl(raw: Record<string, unknown>, ctx: ActionContext) {
  const productId = raw["ProductId"] as string;
  ctx.state.product(productId);
  const now = ctx.clock.nowSeconds();
  // Shaped like Tencent's example FileName, 111111_ABCDE12345_1586228400.
  const fileName = `${ctx.state.fileSequence()}_${productId}_${now}`;
  ctx.state.slots.set(fileName, { productId });
  const url = ctx.presigner.url(ctx.baseUrl, fileName, now + UPLOAD_URL_TTL_SECONDS);
  return { Url: url, FileName: fileName };
}

/** CreateTaskFileUrl: a pre-signed URL to PUT a device-list file to. */
export const CREATE_TASK_FILE_URL: ActionDef = {
  // Tencent spells it ProductId here, unlike ProductID in the firmware actions.
  schema: { ProductId: { type: "string", required: true } },
  run: createTaskFileUrl,
};
