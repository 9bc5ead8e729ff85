// GitHub's own OpenAPI description of its REST API (@octokit/openapi), and a small validator of
// the JSON-schema subset it uses, so the GitHub stand-in checks requests against GitHub's word,
// not ours. The description is read once per process, on first use (~0.4 s; the dereferenced
// file is 73 MB and takes ~1.9 s, so $refs are resolved here instead).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

/** The keywords of OpenAPI 3.0's schema objects that GitHub's description uses. */
export interface Schema {
  $ref?: string;
  type?: string;
  nullable?: boolean;
  enum?: unknown[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  maxLength?: number;
  minLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  maxItems?: number;
  minItems?: number;
  format?: string;
  description?: string;
}

interface Parameter {
  $ref?: string;
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  description?: string;
  schema: Schema;
}

interface Media {
  content?: Record<string, { schema?: Schema }>;
}

interface RawOperation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: Media & { $ref?: string; required?: boolean };
  responses: Record<string, Media & { $ref?: string }>;
  externalDocs?: { url: string };
}

interface Description {
  paths: Record<string, Record<string, RawOperation>>;
  components: Record<string, Record<string, unknown>>;
}

/** One operation of the description, found for a request. */
export interface Operation {
  method: string;
  /** The path template, e.g. /repos/{owner}/{repo}/deployments/{deployment_id}. */
  template: string;
  operationId: string;
  /** The page GitHub's errors point at for this operation. */
  documentationUrl: string;
  /** The path parameters as the request spelled them (decoded). */
  pathParams: Record<string, string>;
  raw: RawOperation;
}

/** A request as the validator sees it. */
export interface RequestToCheck {
  method: string;
  path: string;
  query: Record<string, string>;
  /** The parsed JSON body; undefined when none was sent. */
  body: unknown;
}

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  names: string[];
  literals: number;
  raw: RawOperation;
}

const METHODS = new Set(["get", "post", "put", "patch", "delete", "head"]);
const DOCS = "https://docs.github.com/rest";

let loaded: { doc: Description; routes: Route[] } | undefined;

/** Reads GitHub's description now, not in the middle of the first request; returns the ms taken. */
export function loadOpenApi(): number {
  const start = performance.now();
  openApi();
  return performance.now() - start;
}

/** GitHub's description and its routes, read on first call and kept for the process. */
function openApi(): { doc: Description; routes: Route[] } {
  if (loaded !== undefined) return loaded;
  const file = createRequire(import.meta.url).resolve(
    "@octokit/openapi/generated/api.github.com.json",
  );
  const doc = JSON.parse(readFileSync(file, "utf8")) as Description;
  const routes: Route[] = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    const names: string[] = [];
    const source = template
      .split("/")
      .map((part) => {
        const name = /^\{(\w+)\}$/.exec(part)?.[1];
        if (name === undefined) return part.replace(/[.*+?^$()|[\]\\]/g, "\\$&");
        names.push(name);
        return "([^/]+)";
      })
      .join("/");
    const literals = template.split("/").length - names.length;
    for (const [method, raw] of Object.entries(item)) {
      if (!METHODS.has(method)) continue;
      routes.push({ method, template, pattern: new RegExp(`^${source}$`), names, literals, raw });
    }
  }
  loaded = { doc, routes };
  return loaded;
}

/** The operation for `method` and `path`; a literal segment wins over a parameter. */
export function findOperation(method: string, path: string): Operation | undefined {
  let best: { route: Route; values: string[] } | undefined;
  for (const route of openApi().routes) {
    if (route.method !== method.toLowerCase()) continue;
    const match = route.pattern.exec(path);
    if (match === null || (best !== undefined && best.route.literals >= route.literals)) continue;
    best = { route, values: match.slice(1) };
  }
  if (best === undefined) return undefined;
  const { route, values } = best;
  const pathParams: Record<string, string> = {};
  route.names.forEach((name, i) => (pathParams[name] = safeDecode(values[i] ?? "")));
  return {
    method: route.method,
    template: route.template,
    operationId: route.raw.operationId,
    documentationUrl: route.raw.externalDocs?.url ?? DOCS,
    pathParams,
    raw: route.raw,
  };
}

/** What is wrong with `request` by GitHub's description; empty when nothing is. */
export function validateRequest(request: RequestToCheck): {
  operation: Operation | undefined;
  problems: string[];
} {
  const operation = findOperation(request.method, request.path);
  if (operation === undefined) {
    return { operation, problems: ["no such operation in GitHub's description"] };
  }
  const problems: string[] = [];
  const params = (operation.raw.parameters ?? []).map((p) => resolve<Parameter>(p));
  for (const param of params.filter((p) => p.in === "path")) {
    checkText(param, operation.pathParams[param.name], "path", problems);
  }
  const query = params.filter((p) => p.in === "query");
  for (const param of query) checkText(param, request.query[param.name], "query", problems);
  for (const name of Object.keys(request.query)) {
    if (!query.some((p) => p.name === name)) problems.push(`query.${name}: not a known parameter`);
  }
  checkBody(operation, request.body, problems);
  return { operation, problems };
}

/** What is wrong with a response `body` of `status` by the operation's documented answers. */
export function validateResponse(operation: Operation, status: number, body: unknown): string[] {
  const responses = operation.raw.responses;
  const documented = responses[String(status)] ?? responses[`${String(status)[0]}XX`];
  if (documented === undefined) {
    // GitHub documents its errors selectively (no 401, 403 or 503 here): only a success must be.
    return status < 400 ? [`status ${status} is not among the documented answers`] : [];
  }
  const schema = resolve<Media>(documented).content?.["application/json"]?.schema;
  if (schema === undefined) return [];
  const problems: string[] = [];
  checkSchema(schema, body, "body", problems);
  return problems;
}

/** Appends to `problems` what is wrong with `value` by `schema`; `at` names the value. */
export function checkSchema(schema: Schema, value: unknown, at: string, problems: string[]): void {
  const s = resolve<Schema>(schema);
  if (value === null) {
    if (!s.nullable && !(s.oneOf ?? s.anyOf ?? []).some((b) => resolve<Schema>(b).nullable)) {
      problems.push(`${at}: is null, which is not allowed`);
    }
    return;
  }
  for (const part of s.allOf ?? []) checkSchema(part, value, at, problems);
  if (s.oneOf !== undefined) checkOneOf(s.oneOf, value, at, problems, true);
  if (s.anyOf !== undefined) checkOneOf(s.anyOf, value, at, problems, false);
  if (s.type !== undefined && !hasType(s.type, value)) {
    problems.push(`${at}: ${JSON.stringify(value)} is not of type ${s.type}`);
    return;
  }
  if (s.enum !== undefined && !s.enum.includes(value)) {
    problems.push(`${at}: ${JSON.stringify(value)} is not one of ${s.enum.join(", ")}`);
  }
  if (typeof value === "string") checkString(s, value, at, problems);
  if (typeof value === "number") checkNumber(s, value, at, problems);
  if (Array.isArray(value)) checkArray(s, value, at, problems);
  else if (typeof value === "object")
    checkObject(s, value as Record<string, unknown>, at, problems);
}

function checkOneOf(
  branches: Schema[],
  value: unknown,
  at: string,
  problems: string[],
  exactlyOne: boolean,
): void {
  const fits = branches.filter((branch) => {
    const own: string[] = [];
    checkSchema(branch, value, at, own);
    return own.length === 0;
  }).length;
  if (fits === 0) problems.push(`${at}: ${JSON.stringify(value)} fits none of its alternatives`);
  if (exactlyOne && fits > 1) problems.push(`${at}: fits ${fits} alternatives of oneOf, not one`);
}

function hasType(type: string, value: unknown): boolean {
  if (type === "integer") return Number.isInteger(value);
  if (type === "array") return Array.isArray(value);
  if (type === "object") return typeof value === "object" && !Array.isArray(value);
  return typeof value === type;
}

function checkString(s: Schema, value: string, at: string, problems: string[]): void {
  if (s.maxLength !== undefined && value.length > s.maxLength) {
    problems.push(`${at}: ${value.length} characters, more than the ${s.maxLength} allowed`);
  }
  if (s.minLength !== undefined && value.length < s.minLength) {
    problems.push(`${at}: ${value.length} characters, fewer than the ${s.minLength} required`);
  }
  if (s.pattern !== undefined && !new RegExp(s.pattern, "u").test(value)) {
    problems.push(`${at}: ${JSON.stringify(value)} does not match ${s.pattern}`);
  }
  // Only date-time is checked: GitHub sends "" for an unset URL its schema calls format uri.
  if (
    s.format === "date-time" &&
    !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(value)
  ) {
    problems.push(`${at}: ${JSON.stringify(value)} is not a date-time`);
  }
}

function checkNumber(s: Schema, value: number, at: string, problems: string[]): void {
  if (s.minimum !== undefined && value < s.minimum) problems.push(`${at}: ${value} < ${s.minimum}`);
  if (s.maximum !== undefined && value > s.maximum) problems.push(`${at}: ${value} > ${s.maximum}`);
}

function checkArray(s: Schema, value: unknown[], at: string, problems: string[]): void {
  if (s.maxItems !== undefined && value.length > s.maxItems) {
    problems.push(`${at}: ${value.length} items, more than the ${s.maxItems} allowed`);
  }
  if (s.minItems !== undefined && value.length < s.minItems) {
    problems.push(`${at}: ${value.length} items, fewer than the ${s.minItems} required`);
  }
  if (s.items !== undefined) {
    for (const [i, item] of value.entries()) checkSchema(s.items, item, `${at}[${i}]`, problems);
  }
}

function checkObject(s: Schema, value: Record<string, unknown>, at: string, problems: string[]) {
  for (const name of s.required ?? []) {
    if (!(name in value)) problems.push(`${at}.${name}: required but missing`);
  }
  for (const [name, item] of Object.entries(value)) {
    const known = s.properties?.[name];
    if (known !== undefined) checkSchema(known, item, `${at}.${name}`, problems);
    else if (s.additionalProperties === false) problems.push(`${at}.${name}: not a known property`);
    else if (typeof s.additionalProperties === "object") {
      checkSchema(s.additionalProperties, item, `${at}.${name}`, problems);
    }
  }
}

function checkBody(operation: Operation, body: unknown, problems: string[]): void {
  const requestBody = operation.raw.requestBody;
  if (requestBody === undefined) {
    if (body !== undefined) problems.push("body: this operation takes no body");
    return;
  }
  const media = resolve<Media & { required?: boolean }>(requestBody);
  if (body === undefined) {
    if (media.required === true) problems.push("body: required but missing");
    return;
  }
  const schema = media.content?.["application/json"]?.schema;
  if (schema !== undefined) checkSchema(schema, body, "body", problems);
}

/** Checks a path or query parameter, which arrives as text, by its schema. */
function checkText(param: Parameter, text: string | undefined, where: string, problems: string[]) {
  const at = `${where}.${param.name}`;
  if (text === undefined) {
    if (param.required === true) problems.push(`${at}: required but missing`);
    return;
  }
  const schema = resolve<Schema>(param.schema);
  const value = fromText(schema.type, text);
  if (value === undefined) {
    problems.push(`${at}: ${JSON.stringify(text)} is not of type ${schema.type ?? "?"}`);
    return;
  }
  checkSchema(schema, value, at, problems);
  // Spec quirk: per_page's limit is only in its prose, "(max 100)"; GitHub quietly caps it.
  const max = /\(max (\d+)\)/.exec(param.description ?? "")?.[1];
  if (typeof value === "number" && max !== undefined && value > Number(max)) {
    problems.push(`${at}: ${value} is more than the documented maximum ${max}`);
  }
}

function fromText(type: string | undefined, text: string): unknown {
  if (type === "integer") return /^-?\d+$/.test(text) ? Number(text) : undefined;
  if (type === "number")
    return text.trim() !== "" && !isNaN(Number(text)) ? Number(text) : undefined;
  if (type === "boolean") return text === "true" ? true : text === "false" ? false : undefined;
  return text;
}

/** Follows a local $ref (#/components/...) to what it names. */
function resolve<T extends object>(node: T & { $ref?: string }): T {
  let current: unknown = node;
  for (let hops = 0; hops < 16; hops++) {
    const ref = (current as { $ref?: string }).$ref;
    if (ref === undefined) return current as T;
    current = ref
      .slice(2)
      .split("/")
      .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
      .reduce<unknown>((at, part) => (at as Record<string, unknown>)[part], openApi().doc);
    if (current === undefined) throw new Error(`unresolvable $ref ${ref}`);
  }
  throw new Error(`$ref chain too long at ${node.$ref ?? "?"}`);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
