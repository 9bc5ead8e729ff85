// `npm start`: the bundled action against a freshly started local emulator, with sample inputs.
import { SAMPLE_PRODUCT_ID, startEmulator } from "../test/emulator/index.js";
import { runAction } from "../test/support/run-action.js";

const emulator = await startEmulator();
console.log(`IoT Video emulator listening on ${emulator.url}`);
try {
  const run = await runAction({
    inputs: {
      "product-id": SAMPLE_PRODUCT_ID,
      "firmware-version": "2.0.0",
      "firmware-original-version": "1.0.0",
      "upgrade-method": "silent",
      "secret-id": emulator.credentials.secretId,
      "secret-key": emulator.credentials.secretKey,
      endpoint: emulator.url,
    },
  });
  // Show what a runner shows by default: no mask or debug commands.
  process.stdout.write(run.stdout.replace(/^::(add-mask|debug)::.*\n/gm, ""));
  process.stderr.write(run.stderr);
  console.log(`\nexit code ${run.code}; outputs:`);
  for (const [name, value] of Object.entries(run.outputs)) console.log(`  ${name}=${value}`);
  if (run.code !== 0 || run.outputs["task-id"] === undefined) process.exitCode = 1;
  else console.log(`\ntask id: ${run.outputs["task-id"]}`);
} finally {
  await emulator.close();
}
