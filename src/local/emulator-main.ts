// scripts/emulator's entry; see usage below.

import { emulatorEnv, readEmulator, startEmulator, stopEmulator } from "./emulator.js";
import { type Faults, parseFaults } from "./fault-proxy.js";
import { readCounts, setFaults } from "./fault-proxy-control.js";

const USAGE = `usage: scripts/emulator start [state-dir] [--no-fault-proxy]
       scripts/emulator stop|env|counts [state-dir]
       scripts/emulator faults [state-dir] [region=pass|refuse|hang ...]   (no pairs: every region passes)
state-dir defaults to .pilotlight/emulator`;

const args = process.argv.slice(2);
const [command, stateDir = ".pilotlight/emulator", ...rest] = args.filter((a) => !a.startsWith("--"));

function running() {
  const emulator = readEmulator(stateDir);
  if (!emulator) {
    console.error(`emulator: none running from ${stateDir}; run scripts/emulator start`);
    process.exit(1);
  }
  return emulator;
}

switch (command) {
  case "start": {
    const started = Date.now();
    const emulator = await startEmulator(stateDir, { faultProxy: !args.includes("--no-fault-proxy") });
    const front = emulator.proxyPid ? `, fault proxy on ${emulator.endpoint} (pid ${emulator.proxyPid})` : "";
    console.error(
      `emulator: moto on ${emulator.motoEndpoint} (pid ${emulator.pid})${front} in ${Date.now() - started} ms`,
    );
    console.log(emulator.endpoint);
    break;
  }
  case "stop":
    console.error(stopEmulator(stateDir) ? "emulator: stopped" : "emulator: none running");
    break;
  case "env":
    for (const [k, v] of Object.entries(emulatorEnv(running().endpoint))) console.log(`export ${k}=${v}`);
    break;
  case "faults": {
    let faults: Faults;
    try {
      faults = parseFaults(Object.fromEntries(rest.map((pair) => pair.split("=", 2))));
    } catch (err) {
      console.error(`emulator: ${(err as Error).message}\n${USAGE}`);
      process.exit(2);
    }
    console.log(JSON.stringify(await setFaults(running().endpoint, faults)));
    break;
  }
  case "counts":
    console.log(JSON.stringify(await readCounts(running().endpoint), null, 2));
    break;
  default:
    console.error(USAGE);
    process.exit(2);
}
