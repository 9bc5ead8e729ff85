/** GitHub's web address from the runner's variables (GITHUB_SERVER_URL), without a trailing slash. */
export function serverUrl(env: NodeJS.ProcessEnv = process.env): string {
  return (env["GITHUB_SERVER_URL"] || "https://github.com").replace(/\/+$/, "");
}

/**
 * The workflow run's page, when the runner says which (read from its variables directly:
 * `@actions/github`'s context would load Octokit into every run, token or not).
 */
export function runUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const { GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: runId } = env;
  if (!repository || !runId) return undefined;
  return `${serverUrl(env)}/${repository}/actions/runs/${runId}`;
}
