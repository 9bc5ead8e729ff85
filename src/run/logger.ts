/** Where log lines go; main passes @actions/core, tests a recorder. */
export interface Logger {
  info(message: string): void;
  warning(message: string): void;
  debug(message: string): void;
}
