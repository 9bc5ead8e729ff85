/** A Tencent API error the emulator answers inside the envelope (HTTP 200). */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** `InvalidParameterValue` with a message saying what is wrong. */
export function invalidValue(message: string): ApiError {
  return new ApiError("InvalidParameterValue", message);
}
