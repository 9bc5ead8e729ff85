// Request-parameter checking the way Tencent's gateway does it: unknown names first, then
// missing ones, then wire types. Integers are the SDK models' uint64, so negatives are wrong too.
import { ApiError } from "./api-error.js";

/** Wire types the 2020-12-15 actions use; "keywords" is an array of SearchKeyword {Key, Value?}. */
export type ParamType = "string" | "integer" | "string[]" | "keywords";

/** One parameter of an action. */
export interface ParamSpec {
  type: ParamType;
  required?: boolean;
}

/** Every parameter an action accepts, by name. */
export type ParamSchema = Record<string, ParamSpec>;

const KEYWORD_SCHEMA: ParamSchema = {
  Key: { type: "string", required: true },
  Value: { type: "string" },
};

const unknown = (name: string) =>
  new ApiError("UnknownParameter", `The parameter \`${name}\` is not recognized.`);
const missing = (name: string) =>
  new ApiError("MissingParameter", `The request is missing a required parameter \`${name}\`.`);
const wrongType = (name: string, type: ParamType) =>
  new ApiError("InvalidParameter", `The value of parameter \`${name}\` must be of type ${type}.`);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function hasType(value: unknown, type: ParamType): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "integer":
      return Number.isSafeInteger(value) && (value as number) >= 0;
    case "string[]":
      return Array.isArray(value) && value.every((v) => typeof v === "string");
    case "keywords":
      return Array.isArray(value) && value.every(isObject);
  }
}

function checkObject(params: Record<string, unknown>, schema: ParamSchema, prefix: string): void {
  const stray = Object.keys(params).find((name) => !Object.hasOwn(schema, name));
  if (stray !== undefined) throw unknown(prefix + stray);
  for (const [name, spec] of Object.entries(schema)) {
    if (spec.required && !Object.hasOwn(params, name)) throw missing(prefix + name);
  }
  for (const [name, value] of Object.entries(params)) {
    const spec = schema[name] as ParamSpec;
    if (!hasType(value, spec.type)) throw wrongType(prefix + name, spec.type);
    if (spec.type === "keywords") {
      (value as Record<string, unknown>[]).forEach((item, i) =>
        checkObject(item, KEYWORD_SCHEMA, `${prefix}${name}.${i}.`),
      );
    }
  }
}

/** Throws the ApiError Tencent would answer when `params` does not fit `schema`. */
export function checkParams(params: unknown, schema: ParamSchema): Record<string, unknown> {
  if (!isObject(params)) {
    throw new ApiError("InvalidParameter", "The request body must be a JSON object.");
  }
  checkObject(params, schema, "");
  return params;
}
