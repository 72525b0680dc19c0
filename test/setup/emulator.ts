import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { startEmulator, stopEmulator } from "../../src/local/emulator.js";

declare module "vitest" {
  export interface ProvidedContext {
    awsEndpoint: string;
  }
}

/** One moto server for the whole integration run; tests use unique names instead of resets. */
export default async function setup(project: TestProject) {
  const stateDir = mkdtempSync(join(tmpdir(), "pilotlight-emulator-"));
  const emulator = await startEmulator(stateDir);
  project.provide("awsEndpoint", emulator.endpoint);
  return () => {
    stopEmulator(stateDir);
  };
}
