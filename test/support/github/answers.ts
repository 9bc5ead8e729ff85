// GitHub's answers as the stand-in gives them: errors, pages, and the fields GitHub fills in.
import { createHash } from "node:crypto";
import { STATUS_CODES } from "node:http";
import type { Answer, SeenRequest } from "./types.js";
export const DOCS = "https://docs.github.com/rest";
/** GitHub refuses a deployment status description longer than this. */
export const STATUS_DESCRIPTION_MAX = 140;

/** One page of `items` (already newest first), with GitHub's Link header when there are others. */
export function paged(items: unknown[], base: string, seen: SeenRequest): Answer {
  const perPage = Math.min(Number(seen.query.per_page ?? 30), 100);
  const page = Math.max(Number(seen.query.page ?? 1), 1);
  const last = Math.max(Math.ceil(items.length / perPage), 1);
  const link = (n: number, rel: string) => {
    const url = new URL(seen.path, base);
    for (const [name, value] of Object.entries(seen.query)) url.searchParams.set(name, value);
    url.searchParams.set("page", String(n));
    return `<${url.href}>; rel="${rel}"`;
  };
  const rels = [
    ...(page > 1 ? [link(Math.min(page - 1, last), "prev")] : []),
    ...(page < last ? [link(page + 1, "next"), link(last, "last")] : []),
    ...(page > 1 ? [link(1, "first")] : []),
  ];
  const json = items.slice((page - 1) * perPage, page * perPage);
  return { status: 200, json, ...(rels.length > 0 ? { headers: { link: rels.join(", ") } } : {}) };
}

/** A 40-hex sha for a ref: the ref itself when it is one, else a hash of its name. */
export function shaOf(ref: string): string {
  return /^[0-9a-f]{40}$/i.test(ref)
    ? ref.toLowerCase()
    : createHash("sha1").update(ref).digest("hex");
}

/** GitHub's older global node id: base64 of "<length of type>:<Type><id>". */
export function nodeId(type: string, id: number): string {
  return Buffer.from(`${String(type.length).padStart(3, "0")}:${type}${id}`).toString("base64");
}

/** GitHub's timestamps are whole seconds. */
export function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The GITHUB_TOKEN's user, as a simple-user. */
export function creator(base: string): Record<string, unknown> {
  const user = `${base}/users/github-actions%5Bbot%5D`;
  return {
    login: "github-actions[bot]",
    id: 41898282,
    node_id: "MDM6Qm90NDE4OTgyODI=",
    avatar_url: "https://avatars.githubusercontent.com/in/15368?v=4",
    gravatar_id: "",
    url: user,
    html_url: "https://github.com/apps/github-actions",
    followers_url: `${user}/followers`,
    following_url: `${user}/following{/other_user}`,
    gists_url: `${user}/gists{/gist_id}`,
    starred_url: `${user}/starred{/owner}{/repo}`,
    subscriptions_url: `${user}/subscriptions`,
    organizations_url: `${user}/orgs`,
    repos_url: `${user}/repos`,
    events_url: `${user}/events{/privacy}`,
    received_events_url: `${user}/received_events`,
    type: "Bot",
    user_view_type: "public",
    site_admin: false,
  };
}

export function error(status: number, message: string, documentationUrl: string): Answer {
  return { status, json: { message, documentation_url: documentationUrl, status: String(status) } };
}

export function notFound(): Answer {
  return error(404, "Not Found", DOCS);
}

export function validationFailed(
  resource: string,
  field: string,
  documentationUrl: string,
): Answer {
  const message = `${field} is too long (maximum is ${STATUS_DESCRIPTION_MAX} characters)`;
  const errors = [{ resource, code: "custom", field, message }];
  return {
    status: 422,
    json: {
      message: "Validation Failed",
      errors,
      documentation_url: documentationUrl,
      status: "422",
    },
  };
}

/** What a scripted failure or a mode answers. */
export function failure(status: number): Answer {
  if (status >= 500) {
    const title = `${status} ${STATUS_CODES[status] ?? "Server Error"}`;
    return { status, html: `<html><body><h1>${title}</h1>No server is available.</body></html>\n` };
  }
  if (status === 403) {
    const docs = "https://docs.github.com/rest/deployments/deployments#create-a-deployment";
    return error(403, "Resource not accessible by integration", docs);
  }
  return error(status, STATUS_CODES[status] ?? "Error", DOCS);
}

/** GitHub's primary rate limit spent: a 403 like the permission's, told apart by its words and headers. */
export function rateLimited(): Answer {
  const reset = String(Math.floor(Date.now() / 1000) + 3600);
  return {
    ...error(
      403,
      "API rate limit exceeded for installation ID 1234.",
      "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
    ),
    headers: {
      "x-ratelimit-limit": "1000",
      "x-ratelimit-remaining": "0",
      "x-ratelimit-reset": reset,
    },
  };
}
