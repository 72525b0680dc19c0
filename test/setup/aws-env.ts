import { inject } from "vitest";
import { CALL_LOG_ENV } from "../../src/aws/call-recorder.js";
import { emulatorEnv } from "../../src/local/emulator.js";

// SDK v3 clients honour AWS_ENDPOINT_URL: every client a test builds reaches the emulator.
Object.assign(process.env, emulatorEnv(inject("awsEndpoint")));
// The programs' clients record their calls there (src/aws/call-recorder.ts); apps spawned inherit it.
process.env[CALL_LOG_ENV] = inject("callLog");
