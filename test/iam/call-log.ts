import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { RecordedCall } from "../../src/aws/call-recorder.js";

/** Where the integration project records (reset at its start); the contract project reads it. */
export const INTEGRATION_CALL_LOG = join(process.cwd(), ".pilotlight", "calls", "integration.jsonl");

/** The recorded calls of a call log, one JSON line each. */
export function readCallLog(file: string): RecordedCall[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as RecordedCall);
}

/** The integration run's emulator endpoint, for the contract project's lookups (written with the log). */
export const INTEGRATION_ENDPOINT = join(process.cwd(), ".pilotlight", "calls", "integration.endpoint");
