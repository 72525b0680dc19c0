#!/usr/bin/env node
// The `pilotlight` executable (bundled to dist/cli/pilotlight.mjs by scripts/build.mjs).
import { processIo } from "./io.js";
import { runCli } from "./program.js";

process.exitCode = await runCli(process.argv.slice(2), { io: processIo() });
