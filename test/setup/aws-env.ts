import { inject } from "vitest";
import { emulatorEnv } from "../../src/local/emulator.js";

// SDK v3 clients honour AWS_ENDPOINT_URL: every client a test builds reaches the emulator.
Object.assign(process.env, emulatorEnv(inject("awsEndpoint")));
