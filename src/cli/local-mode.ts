import { isEmulatorEndpoint } from "../local/emulator.js";
import { CliError, ExitCode } from "./exit-codes.js";

/** Local mode works only against the emulator: refuse anything that could reach AWS. */
export function assertEmulator(env = process.env): string {
  const endpoint = env.AWS_ENDPOINT_URL ?? "";
  if (!isEmulatorEndpoint(endpoint)) {
    throw new CliError(
      '--local runs against the local emulator only, and AWS_ENDPOINT_URL is not a loopback URL. Start it and load its environment: bash scripts/emulator start && eval "$(bash scripts/emulator env)"',
      ExitCode.usage,
    );
  }
  return endpoint;
}
