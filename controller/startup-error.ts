/** `run` cannot start: no router binary, a source that cannot be set up, or a setting that cannot be used. */
export class StartupError extends Error {
  override get name(): string {
    return 'StartupError';
  }
}
