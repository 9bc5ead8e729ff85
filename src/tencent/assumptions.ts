/**
 * What this action assumes where Tencent documents nothing. Each one is named in the README's
 * "Assumptions" section; change them here and nowhere else.
 */

/** The API version that has BatchUpdateFirmware with the parameters we send. */
export const IOTVIDEO_VERSION = "2020-12-15";

/** The credential scope's service, whatever host the endpoint names. */
export const IOTVIDEO_SERVICE = "iotvideo";

/**
 * Longest device name we accept. IoT Video does not document one; IoT Hub and IoT Explorer,
 * the sibling products sharing its device registry conventions, document 1-48 characters.
 */
export const DEVICE_NAME_MAX_LENGTH = 48;

/**
 * Device names never contain whitespace, control characters or commas (commas separate names
 * in the device-names input). Anything else is left for the service to judge.
 */
export const DEVICE_NAME_FORBIDDEN = /[\s,\u0000-\u001f\u007f-\u009f]/u;

/**
 * Rows a list call is asked for at once (DescribeFirmwareTasks, DescribeFirmwareTaskDevices).
 * Neither documents a maximum Limit; sibling list calls say at most 100.
 */
export const PAGE_SIZE = 100;
