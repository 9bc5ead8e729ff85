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

/**
 * Device names of an uploaded file are kept (for the task's devices, DeviceIsUpdating and the
 * waves' device rows) only below both limits: a 100,000-name wave is followed like a small one,
 * and the benchmark's 1M and 8M lists are only hashed.
 */
export const KEEP_NAMES_MAX_LINES = 200_000;
export const KEEP_NAMES_MAX_BYTES = 4 * 1024 * 1024;

/** ASSUMPTION: codes for request-level problems Tencent documents no code for. */
export const BAD_CONTENT_TYPE_CODE = "InvalidParameter";
export const MISSING_HEADER_CODE = "MissingParameter";

/**
 * DOCUMENTED (the SDK's error list for CancelDeviceFirmwareTask and RetryDeviceFirmwareTask),
 * Tencent's spelling "Alread" included. When each applies is an ASSUMPTION; checked in this order,
 * after the parameters' types and PRODUCT_NOT_EXIST:
 * - DEVICE_TASK_NOT_EXIST: no task of that ProductID, FirmwareVersion and TaskId, or the device
 *   is not in it (whatever else it is doing).
 * - Cancel of a device not yet terminal in that task: no error, whatever other tasks hold it.
 * - Retry of a device done (6) there: DEVICE_TASK_ALREADY_DONE (there is nothing to retry).
 * - DEVICE_RUNNING_OTHER_TASK: the device is terminal in that task but not terminal in another
 *   task of the product, so the TaskId given is not its current one (a retry would have it
 *   upgrading twice; a cancel would stop nothing).
 * - Cancel of a device terminal there (5, 6, 10; a cancelled one too): DEVICE_TASK_ALREADY_DONE.
 * - Retry of a device not yet terminal there: InvalidParameterValue (RETRY_UNFINISHED_CODE), as
 *   only a failed (5) or timed-out (10) device can be retried; a retry of a cancelled one is
 *   allowed (it is 5).
 * - InvalidParameterValue also for an empty ProductID, DeviceName or FirmwareVersion, or TaskId 0.
 */
export const DEVICE_TASK_NOT_EXIST = "ResourceNotFound.DeviceFirmwareTaskNotExist";
export const DEVICE_TASK_ALREADY_DONE = "FailedOperation.DeviceFirmwareTaskAlreadDone";
export const DEVICE_RUNNING_OTHER_TASK = "FailedOperation.DeviceRunningOtherOtaTask";
export const RETRY_UNFINISHED_CODE = "InvalidParameterValue";

/**
 * ASSUMPTION: Tencent documents no status for a device cancelled by CancelDeviceFirmwareTask.
 * The emulator reports it as 5 (failed) with ErrMsg "cancelled" and Retcode -1, frozen at the
 * Percent it had reached. Why 5 and not a code of its own (say 9): the documented terminal codes
 * are 5, 6 and 10, and a client that knows only those (ours counts undocumented codes as still
 * upgrading) must see a cancelled device as finished, or it would wait for it until it gave up
 * and never see the task end. Tencent already reports one non-failure as 5 told apart by ErrMsg
 * ("firmware no need update."), so a client that cares tells a cancel the same way.
 * A cancelled device is no longer upgrading: BatchUpdateFirmware may include it again.
 */
export const CANCELLED_STATUS = 5;
export const CANCELLED_ERR_MSG = "cancelled";
export const CANCELLED_RETCODE = -1;
