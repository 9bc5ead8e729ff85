/** STS's rule for RoleSessionName: 2-128 characters of [\w+=,.@-]. */
export const SESSION_NAME_RULE = /^[\w+=,.@-]{2,128}$/;
export const MAX_SESSION_NAME = 128;

const NOT_ALLOWED = /[^\w+=,.@-]+/g;
/** When the runner names no repository or run (a local try-out). */
const FALLBACK = "gh.iotvideo-firmware-rollout";

/**
 * The default role-session-name, which CAM and CloudAudit show for every call made with the
 * keys: gh.<owner>.<repo>.<run id>.<attempt>. Characters STS does not allow become "-", and the
 * repository is cut, never the run id, to keep within 128 characters.
 */
export function defaultRoleSessionName(env: NodeJS.ProcessEnv): string {
  const clean = (text: string) => text.replace(NOT_ALLOWED, "-");
  const repository = clean((env["GITHUB_REPOSITORY"] ?? "").trim().replace("/", "."));
  const run = [env["GITHUB_RUN_ID"], env["GITHUB_RUN_ATTEMPT"]]
    .map((part) => clean((part ?? "").trim()))
    .filter((part) => part !== "")
    .join(".");
  if (repository === "" && run === "") return FALLBACK;
  const tail = run === "" ? "" : `.${run}`.slice(0, MAX_SESSION_NAME - "gh.".length);
  const room = MAX_SESSION_NAME - "gh.".length - tail.length;
  const head = repository === "" ? "run" : repository.slice(0, room);
  return `gh.${head}${tail}`;
}
