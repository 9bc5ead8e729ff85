// How the IoT Video answers' fields are read: one reading for every call.

/** A JSON object (not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/**
 * A whole number sent as a number or, as some Tencent services do, as a decimal string
 * ("12"). Anything else (a fraction, a negative, a word) is unreadable.
 */
export function count(value: unknown): number | undefined {
  const n = typeof value === "string" && /^\d{1,15}$/.test(value) ? Number(value) : value;
  return typeof n === "number" && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}
