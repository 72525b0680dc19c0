import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { TestProject } from "vitest/node";
import { startEmulator, stopEmulator } from "../../src/local/emulator.js";
import { INTEGRATION_CALL_LOG, INTEGRATION_ENDPOINT } from "../iam/call-log.js";

declare module "vitest" {
  export interface ProvidedContext {
    awsEndpoint: string;
    callLog: string;
  }
}

/** One moto server for the whole integration run; tests use unique names instead of resets. */
export default async function setup(project: TestProject) {
  const stateDir = mkdtempSync(join(tmpdir(), "pilotlight-emulator-"));
  const emulator = await startEmulator(stateDir);
  project.provide("awsEndpoint", emulator.endpoint);
  // every AWS call the programs make in this run, for the IAM contract tests (vitest project "contract")
  mkdirSync(dirname(INTEGRATION_CALL_LOG), { recursive: true });
  writeFileSync(INTEGRATION_CALL_LOG, "");
  writeFileSync(INTEGRATION_ENDPOINT, emulator.endpoint);
  project.provide("callLog", INTEGRATION_CALL_LOG);
  return () => {
    stopEmulator(stateDir);
  };
}
