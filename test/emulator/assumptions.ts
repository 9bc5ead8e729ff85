// The emulator's knobs in one place. Each is marked DOCUMENTED (API.md / Tencent's SDK models)
// or ASSUMPTION (Tencent documents nothing; the README lists these).

/** DOCUMENTED: the API version and TC3 service name the action talks to. */
export const API_VERSION = "2020-12-15";
export const SERVICE = "iotvideo";

/** DOCUMENTED: timestamps further than this from the server clock get AuthFailure.SignatureExpire. */
export const TIMESTAMP_TOLERANCE_SECONDS = 300;

/** DOCUMENTED as "10 MB"; ASSUMPTION that it means MiB. Larger bodies get RequestSizeLimitExceeded. */
export const MAX_API_BODY_BYTES = 10 * 1024 * 1024;

/** ASSUMPTION: 2020-12-15 lists no product-not-found code for these actions. */
export const PRODUCT_NOT_EXIST = "ResourceNotFound.ProductNotExist";

/** DOCUMENTED in the SDK's error list for 2020-12-15 (the brief guessed ResourceNotFound.TaskNotExist). */
export const TASK_NOT_EXIST = "ResourceNotFound.FirmwareTaskNotExist";

/**
 * ASSUMPTION: task-level Status codes are undocumented. 1 = running (some device is not yet
 * terminal: 5, 6 or 10; offline 0 and awaiting confirmation 8 count as running), 2 = done.
 */
export const TASK_STATUS_RUNNING = 1;
export const TASK_STATUS_DONE = 2;

/**
 * DOCUMENTED (IoT Explorer's example): a device already on the target version ends at 5 with
 * this ErrMsg and Retcode 0. ASSUMPTION: the emulator says so for every device that is on the
 * task's version when the task is created, unless a plan says otherwise.
 */
export const NO_NEED_UPDATE_ERR_MSG = "firmware no need update.";

/** ASSUMPTION: what a failed (5) or timed-out (10) device reports; Tencent documents no codes. */
export const FAIL_ERR_MSG = "download failed";
export const TIME_OUT_ERR_MSG = "upgrade timed out";
export const FAILURE_RETCODE = -1;

/** ASSUMPTION: Percent while downloading (3) a device that gets no further, and once flashing. */
export const DOWNLOADING_PERCENT = 50;

/**
 * ASSUMPTION: BatchUpdateFirmware with both DeviceNames and FirmwareOriVersion (the models allow
 * it; nothing says what it does) upgrades those named devices that are on the original version.
 * DescribeFirmwareTask reports such a task as UpgradeMode "devicenames" with OriginalVersion set.
 */
export const NAMES_WITH_VERSION_MODE = "devicenames";

/** DescribeFirmwareTaskDevices paging: DOCUMENTED default 50; ASSUMPTION at most 100 a page. */
export const DEFAULT_DEVICE_PAGE = 50;
export const MAX_DEVICE_PAGE = 100;

/** ASSUMPTION: FirmwareTaskInfo.Type is undocumented; every task reports 1 ("firmware upgrade"). */
export const TASK_TYPE = 1;

/** ASSUMPTION: DescribeFirmwareTasks paging (the SDK marks Offset/Limit required; we default them). */
export const DEFAULT_TASK_PAGE = 10;
export const MAX_TASK_PAGE = 100;

/** ASSUMPTION: how long a CreateTaskFileUrl URL stays valid. */
export const UPLOAD_URL_TTL_SECONDS = 15 * 60;

/** ASSUMPTION: first sequence number of generated FileNames (Tencent's example starts with 111111). */
export const FIRST_FILE_SEQUENCE = 111111;

/** Device names of an uploaded file are kept (for DeviceIsUpdating) only below both limits. */
export const KEEP_NAMES_MAX_LINES = 10_000;
export const KEEP_NAMES_MAX_BYTES = 1024 * 1024;

/** ASSUMPTION: codes for request-level problems Tencent documents no code for. */
export const BAD_CONTENT_TYPE_CODE = "InvalidParameter";
export const MISSING_HEADER_CODE = "MissingParameter";
