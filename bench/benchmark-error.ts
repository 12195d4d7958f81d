/** A benchmark stage that could not run, with the stage and what went wrong. */
export class BenchmarkError extends Error {
  constructor(
    readonly stage: string,
    detail: string,
  ) {
    super(`benchmark ${stage}: ${detail}`);
    this.name = 'BenchmarkError';
  }
}
