// The fault proxy as its own process (the emulator launcher starts it detached, beside moto):
// fault-proxy-main.ts <emulator endpoint> <port>
import { startFaultProxy } from "./fault-proxy.js";

const [target, port] = process.argv.slice(2);
if (!target || !port) {
  console.error("usage: fault-proxy-main.ts <emulator endpoint> <port>");
  process.exit(2);
}
const proxy = await startFaultProxy(target, { port: Number(port) });
console.error(`fault proxy: ${proxy.endpoint} -> ${target}`);
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => void proxy.close().then(() => process.exit(0)));
}
