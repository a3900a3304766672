/** One full-scale study (bench/studies/run.ts): what it measures, which test holds its reduced version, and the measurement. */
export interface Study {
  /** One line: the property and the scale. */
  description: string;
  /** The test file (or files, when the study's properties are checked by more than one) that checks the same properties at a reduced scale. */
  test: string | readonly string[];
  /** Runs the study; `log` prints progress and figures as they come (stderr). Returns the figures (JSON: no NaN, no typed arrays). */
  run(log: (line: string) => void): Promise<Record<string, unknown>>;
}
