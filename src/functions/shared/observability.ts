/**
 * The slice of Powertools Logger and Metrics the sequences use. Powertools instances satisfy these
 * structurally; the CLI can pass its own writer, tests a recorder.
 */
export interface LoggerLike {
  debug(message: string, ...extra: Record<string, unknown>[]): void;
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

export type MetricUnitName = "Count" | "Milliseconds" | "Seconds";

export interface MetricsLike {
  addMetric(name: string, unit: MetricUnitName, value: number): unknown;
}

/** For callers that log elsewhere (tests, the CLI's JSON output). */
export const silentLogger: LoggerLike = { debug() {}, info() {}, warn() {}, error() {} };

/** For callers that publish no metrics (the CLI). */
export const noMetrics: MetricsLike = { addMetric() {} };
