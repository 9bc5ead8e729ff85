// The IoT Video (2020-12-15) emulator's public face: tests and the CLI import from here only.
export { startEmulator } from "./server.js";
export { SAMPLE_PRODUCT_ID, TEST_CREDENTIALS } from "./seed.js";
export type {
  Emulator,
  EmulatorCredentials,
  EmulatorOptions,
  Fault,
  ProductSeed,
  RecordedRequest,
  TaskRecord,
  UploadRecord,
} from "./types.js";
