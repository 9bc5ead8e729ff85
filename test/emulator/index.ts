// The IoT Video (2020-12-15) emulator's public face: tests and the CLI import from here only.
export { startEmulator } from "./server.js";
export { DEVICE_STATUS, OUTCOME_PATHS } from "./progress.js";
export {
  defaultFirmwareMd5,
  productSeed,
  SAMPLE_PRODUCT_ID,
  TEST_CREDENTIALS,
  type ProductSeedOptions,
} from "./seed.js";
export { TASK_STATUS_DONE, TASK_STATUS_RUNNING } from "./assumptions.js";
export { GITHUB_ISSUER, STS_ACTION, STS_VERSION } from "./sts-assumptions.js";
export type {
  DeviceOutcome,
  DeviceOutcomeName,
  DevicePlan,
  Emulator,
  EmulatorCredentials,
  EmulatorOptions,
  Fault,
  IssuedCredentials,
  ProductSeed,
  RecordedRequest,
  StsOptions,
  StsProvider,
  StsRole,
  TaskDeviceRecord,
  TaskRecord,
  UploadRecord,
} from "./types.js";
