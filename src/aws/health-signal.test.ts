// Route 53's verdict through its data plane, read from name servers on loopback that answer the
// way an authoritative server does (RFC 1035 section 4: the question echoed, one TXT answer), or
// never answer at all, as a server in trouble does.
import { createSocket, type Socket } from "node:dgram";
import { once } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import { readHealthSignal } from "./health-signal.js";

const NAME = "health-signal.demo.example.com";
const sockets: Socket[] = [];

/** A UDP name server on loopback: `txt` undefined never answers. */
async function nameServer(txt?: string): Promise<string> {
  const socket = createSocket("udp4");
  sockets.push(socket);
  socket.on("message", (query, peer) => {
    if (txt === undefined) return;
    // the question: labels up to the zero byte, then QTYPE and QCLASS
    let end = 12;
    while (query[end] !== 0) end += (query[end] as number) + 1;
    const question = query.subarray(12, end + 5);
    const header = Buffer.from([0, 0, 0x84, 0x00, 0, 1, 0, 1, 0, 0, 0, 0]);
    query.copy(header, 0, 0, 2); // the query's ID; flags: response, authoritative
    const value = Buffer.from(txt);
    const rdata = Buffer.concat([Buffer.from([value.length]), value]);
    const answer = Buffer.alloc(12);
    answer.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
    answer.writeUInt16BE(16, 2); // TXT
    answer.writeUInt16BE(1, 4); // IN
    answer.writeUInt32BE(10, 6); // TTL
    answer.writeUInt16BE(rdata.length, 10);
    socket.send(Buffer.concat([header, question, answer, rdata]), peer.port, peer.address);
  });
  socket.bind(0, "127.0.0.1");
  await once(socket, "listening");
  return `127.0.0.1:${socket.address().port}`;
}

afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});

describe("readHealthSignal", () => {
  it("reads primary-unhealthy from a name server", async () => {
    const server = await nameServer("primary-unhealthy");
    const reading = await readHealthSignal(NAME, [server], 1_000);
    expect(reading).toMatchObject({ verdict: "unhealthy", server });
  });

  it("asks the next name server when one never answers, each within the timeout", async () => {
    const silent = await nameServer();
    const answering = await nameServer("primary-healthy");
    const started = Date.now();
    const reading = await readHealthSignal(NAME, [silent, answering], 500);
    expect(reading).toMatchObject({ verdict: "healthy", server: answering });
    expect(Date.now() - started).toBeLessThan(2_500);
  });

  it("gives no verdict, with every server's reason, when none answers", async () => {
    const silent = await nameServer();
    const reading = await readHealthSignal(NAME, [silent], 500);
    expect(reading.verdict).toBeUndefined();
    expect(reading.detail).toContain(silent);
  });
});
