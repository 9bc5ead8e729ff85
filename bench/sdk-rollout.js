// Child process of the benchmark: the same BatchUpdateFirmware call as an original-version
// rollout, made with Tencent's official SDK, as a user would script it instead of the action.
// Plain JavaScript, so Node runs it without a loader, as it runs dist/index.js.
// Usage: node bench/sdk-rollout.js <emulator port>
import { Agent } from "node:http";
import { connect } from "node:net";
import { CommonClient } from "tencentcloud-sdk-nodejs-common";

const port = Number(process.argv[2]);

/** The SDK keeps Tencent's host name (it derives the service from it); connections go to loopback. */
class LoopbackAgent extends Agent {
  createConnection() {
    return connect(port, "127.0.0.1");
  }
}

const client = new CommonClient("iotvideo.tencentcloudapi.com", "2020-12-15", {
  credential: {
    secretId: process.env.TENCENTCLOUD_SECRET_ID,
    secretKey: process.env.TENCENTCLOUD_SECRET_KEY,
  },
  profile: { httpProfile: { protocol: "http://", agent: new LoopbackAgent(), reqTimeout: 30 } },
});
const answer = await client.request("BatchUpdateFirmware", {
  ProductID: process.env.PRODUCT_ID,
  FirmwareVersion: "2.0.0",
  FirmwareOriVersion: "1.0.0",
  UpgradeMethod: 0,
});
console.log(JSON.stringify({ taskId: answer.TaskId }));
