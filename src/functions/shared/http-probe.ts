import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { type CheckerResponse, checkerPasses, SEARCH_STRING_BYTES } from "../../core/route53.js";

export interface ProbeTarget {
  /** http://host[:port]/path or https://host[:port]/path: P's ALB and the deep /health. */
  url: string;
  /** HTTP(S)_STR_MATCH: the string the body's first 5,120 bytes must hold. */
  searchString?: string;
}

export interface ProbeResult {
  healthy: boolean;
  response: CheckerResponse;
  /** What was seen, in words: status and time, or why there was no answer. */
  detail: string;
  elapsedMs: number;
}

/**
 * Probes an endpoint the way one Route 53 checker does (src/core/route53.ts checkerPasses): a
 * status from 200 to 399, the search string in the body's first 5,120 bytes, and no answer within
 * `timeoutMs` (connect, headers and body together) is a failure. Like Route 53's checkers it sends
 * the endpoint's own name and does not validate the certificate: it measures what the checkers
 * measure, and an ALB's DNS name never matches the app's certificate.
 */
export function probeEndpoint(target: ProbeTarget, timeoutMs: number): Promise<ProbeResult> {
  const url = new URL(target.url);
  const started = Date.now();
  const request = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const finish = (response: CheckerResponse, detail: string) => {
      const elapsedMs = Date.now() - started;
      resolve({ healthy: checkerPasses(response, target.searchString), response, detail, elapsedMs });
    };
    const req = request(
      url,
      {
        method: "GET",
        signal: AbortSignal.timeout(timeoutMs),
        headers: { "user-agent": "pilotlight-probe", accept: "*/*" },
        ...(url.protocol === "https:" ? { rejectUnauthorized: false } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          // only the first 5,120 bytes count; stop reading the rest
          if (size < SEARCH_STRING_BYTES) chunks.push(chunk);
          size += chunk.length;
          if (size >= SEARCH_STRING_BYTES) res.destroy();
        });
        const done = () =>
          finish(
            { status: res.statusCode, body: Buffer.concat(chunks).toString("utf8") },
            `HTTP ${res.statusCode} in ${Date.now() - started} ms`,
          );
        res.on("end", done);
        res.on("close", done);
      },
    );
    req.on("error", (error: NodeJS.ErrnoException) => {
      const why = error.name === "TimeoutError" || error.name === "AbortError" ? "no answer" : error.code;
      finish({}, `${why ?? error.message} after ${Date.now() - started} ms`);
    });
    req.end();
  });
}
