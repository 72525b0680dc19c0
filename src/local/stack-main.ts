// Stops a local stack that `pilotlight drill --local` left running (scripts/demo calls it last).
// usage: tsx src/local/stack-main.ts stop [state-dir]   (default .pilotlight/local)
import { stopStack } from "./stack.js";

const [command, stateDir = ".pilotlight/local"] = process.argv.slice(2);
if (command !== "stop") {
  console.error("usage: stack-main.ts stop [state-dir]");
  process.exit(2);
}
console.error(
  (await stopStack(stateDir)) ? `local stack in ${stateDir}: stopped` : `no local stack in ${stateDir}`,
);
