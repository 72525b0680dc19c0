// scripts/emulator's entry: start | stop | env, with the state directory as second argument.
import { emulatorEnv, readEmulator, startEmulator, stopEmulator } from "./emulator.js";

const [command, stateDir = ".pilotlight/emulator"] = process.argv.slice(2);

switch (command) {
  case "start": {
    const started = Date.now();
    const emulator = await startEmulator(stateDir);
    console.error(
      `emulator: moto on ${emulator.endpoint} (pid ${emulator.pid}) in ${Date.now() - started} ms`,
    );
    console.log(emulator.endpoint);
    break;
  }
  case "stop":
    console.error(stopEmulator(stateDir) ? "emulator: stopped" : "emulator: none running");
    break;
  case "env": {
    const emulator = readEmulator(stateDir);
    if (!emulator) {
      console.error(`emulator: none running from ${stateDir}; run scripts/emulator start`);
      process.exit(1);
    }
    for (const [k, v] of Object.entries(emulatorEnv(emulator.endpoint))) console.log(`export ${k}=${v}`);
    break;
  }
  default:
    console.error("usage: scripts/emulator start|stop|env [state-dir]");
    process.exit(2);
}
