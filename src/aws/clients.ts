import { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EC2Client } from "@aws-sdk/client-ec2";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { IAMClient } from "@aws-sdk/client-iam";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { RDSClient } from "@aws-sdk/client-rds";
import { Route53Client } from "@aws-sdk/client-route-53";
import { S3Client } from "@aws-sdk/client-s3";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { ServiceQuotasClient } from "@aws-sdk/client-service-quotas";
import { SNSClient } from "@aws-sdk/client-sns";
import { SSMClient } from "@aws-sdk/client-ssm";
import { STSClient } from "@aws-sdk/client-sts";
import { AwsQueryProtocol } from "@aws-sdk/core/protocols";
import { type CallSource, recordCalls } from "./call-recorder.js";

/** Route 53's control plane, its CloudWatch metrics and IAM's API live in us-east-1. */
export const ROUTE53_REGION = "us-east-1";

/**
 * Marks the local harness's requests. The harness plays AWS itself (Route 53's checkers and
 * answers, CloudWatch's alarm evaluation, the ALB), which no region loss takes away: the local
 * fault proxy (src/local/fault-proxy.ts) lets these through whatever the faults, and counts them
 * apart from the programs' requests.
 */
export const HARNESS_HEADER = "x-pilotlight-harness";

/**
 * How every SDK client is built. Timeouts apply to each attempt; the SDK retries a timed-out
 * attempt up to `maxAttempts` in all, so a call fails after about maxAttempts x requestTimeoutMs.
 */
export interface ClientOptions {
  /** Per-region endpoint override (tests aim one region at a dead port); default: the SDK's own, or AWS_ENDPOINT_URL. */
  endpointFor?: (region: string) => string | undefined;
  /** TCP connect, per attempt. */
  connectionTimeoutMs?: number;
  /** Until the answer's headers, and then the longest the socket may idle while the body arrives. */
  requestTimeoutMs?: number;
  maxAttempts?: number;
}

/** The CLI's: an operator during an outage wants an answer in seconds. */
export const CLI_CLIENT_OPTIONS = { connectionTimeoutMs: 2_000, requestTimeoutMs: 5_000, maxAttempts: 2 };

/**
 * The functions': a hung call fails in about 15 s and the sequence's step fails with it, well
 * inside the function's 60 s timeout, so Lambda's retry (or the next scheduled run) resumes it.
 */
export const FUNCTION_CLIENT_OPTIONS = {
  connectionTimeoutMs: 2_000,
  requestTimeoutMs: 5_000,
  maxAttempts: 3,
};

/**
 * CloudWatch answers both its query protocol and JSON; this SDK release speaks JSON by default,
 * which the emulator does not serve. The query protocol works with both.
 */
export const CLOUDWATCH_PROTOCOL = AwsQueryProtocol;

/** An SDK client's constructor (each takes its own config type; buildClient passes the common part). */
type Ctor<T> = new (config: never) => T;

/**
 * Builds one SDK client: every client of the functions and the CLI is made here. The handler's
 * `requestTimeout` alone only logs a warning (@smithy/node-http-handler) and stops counting once
 * the headers arrive, so `throwOnRequestTimeout` makes it abort and `socketTimeout` bounds a
 * body that stalls.
 *
 * @example const rds = buildClient(RDSClient, "eu-central-1", FUNCTION_CLIENT_OPTIONS);
 */
export function buildClient<T>(
  ctor: Ctor<T>,
  region: string,
  options: ClientOptions,
  extra: Record<string, unknown> = {},
): T {
  const { connectionTimeoutMs, requestTimeoutMs, maxAttempts } = { ...CLI_CLIENT_OPTIONS, ...options };
  const endpoint = options.endpointFor?.(region);
  return new (ctor as new (config: Record<string, unknown>) => T)({
    region,
    maxAttempts,
    requestHandler: {
      connectionTimeout: connectionTimeoutMs,
      requestTimeout: requestTimeoutMs,
      throwOnRequestTimeout: true,
      socketTimeout: requestTimeoutMs,
    },
    ...(endpoint ? { endpoint } : {}),
    ...extra,
  });
}

/**
 * AWS SDK clients per constructor and region, built once each (by buildClient), so a region that
 * does not answer holds up nothing else. A bundle gets only the SDK clients its code names: the
 * functions take theirs from a pool (`of(RDSClient, region)`), and `Clients` adds a named method per
 * client for the CLI, which a function bundle never references, so tree-shaking leaves the other
 * fourteen SDK packages out of it (docs/functions.md, Benchmark).
 */
export class ClientPool {
  private readonly cache = new Map<Ctor<unknown>, Map<string, unknown>>();
  private harness?: this;
  /** `source`: whose identity makes the calls, for the IAM contract's call log (src/aws/call-recorder.ts). */
  constructor(
    protected readonly options: ClientOptions = CLI_CLIENT_OPTIONS,
    protected readonly source: CallSource = "cli",
  ) {}

  private derive(options: ClientOptions, source: CallSource): this {
    return new (this.constructor as new (o: ClientOptions, s: CallSource) => this)(options, source);
  }

  /**
   * Clients for best-effort calls (to us-east-1 or to P, docs/functions.md "The guard: independent signals"): one attempt,
   * connect and request each bounded by `timeoutMs`, same endpoints and caller as these.
   */
  bestEffort(timeoutMs: number): this {
    return this.derive(
      { ...this.options, connectionTimeoutMs: timeoutMs, requestTimeoutMs: timeoutMs, maxAttempts: 1 },
      this.source,
    );
  }

  /** The same clients for the local harness, whose calls play AWS and are no operator's (IAM contract). */
  forLocalHarness(): this {
    this.harness ??= this.derive(this.options, "local-harness");
    return this.harness;
  }

  /** The client of `ctor` for `region`; `extra` settings apply when it is first built. */
  of<T>(ctor: Ctor<T>, region: string, extra: Record<string, unknown> = {}): T {
    let byRegion = this.cache.get(ctor);
    if (!byRegion) {
      byRegion = new Map();
      this.cache.set(ctor, byRegion);
    }
    let client = byRegion.get(region) as T | undefined;
    if (!client) {
      client = recordCalls(buildClient(ctor, region, this.options, extra), this.source);
      if (this.source === "local-harness") markHarness(client);
      byRegion.set(region, client);
    }
    return client;
  }

  /** Closes every socket so the process can exit at once. */
  destroy(): void {
    for (const byRegion of this.cache.values())
      for (const c of byRegion.values()) (c as { destroy(): void }).destroy();
    this.cache.clear();
    this.harness?.destroy();
  }
}

/** CloudWatch's client, in the query protocol (CLOUDWATCH_PROTOCOL). */
export function cloudWatchClient(pool: ClientPool, region: string): CloudWatchClient {
  return pool.of(CloudWatchClient, region, { protocol: CLOUDWATCH_PROTOCOL });
}

/** Route 53's API client: global, served from us-east-1. */
export function route53Client(pool: ClientPool): Route53Client {
  return pool.of(Route53Client, ROUTE53_REGION);
}

/** The pool with a method per SDK client: the CLI's and the local harness's. */
export class Clients extends ClientPool {
  ssm(region: string): SSMClient {
    return this.of(SSMClient, region);
  }
  rds(region: string): RDSClient {
    return this.of(RDSClient, region);
  }
  autoScaling(region: string): AutoScalingClient {
    return this.of(AutoScalingClient, region);
  }
  elbv2(region: string): ElasticLoadBalancingV2Client {
    return this.of(ElasticLoadBalancingV2Client, region);
  }
  cloudWatch(region: string): CloudWatchClient {
    return cloudWatchClient(this, region);
  }
  dynamoDb(region: string): DynamoDBClient {
    return this.of(DynamoDBClient, region);
  }
  sns(region: string): SNSClient {
    return this.of(SNSClient, region);
  }
  ec2(region: string): EC2Client {
    return this.of(EC2Client, region);
  }
  lambda(region: string): LambdaClient {
    return this.of(LambdaClient, region);
  }
  serviceQuotas(region: string): ServiceQuotasClient {
    return this.of(ServiceQuotasClient, region);
  }
  secretsManager(region: string): SecretsManagerClient {
    return this.of(SecretsManagerClient, region);
  }
  s3(region: string): S3Client {
    return this.of(S3Client, region);
  }
  sts(region: string): STSClient {
    return this.of(STSClient, region);
  }
  route53(): Route53Client {
    return route53Client(this);
  }
  iam(): IAMClient {
    return this.of(IAMClient, ROUTE53_REGION);
  }
}

interface MiddlewareClient {
  middlewareStack: {
    add(
      middleware: (
        next: (args: { request: unknown }) => Promise<unknown>,
      ) => (args: { request: unknown }) => Promise<unknown>,
      options: { step: "build"; name: string; override: boolean },
    ): void;
  };
}

function markHarness(client: unknown): void {
  (client as MiddlewareClient).middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { headers?: Record<string, string> };
      if (request.headers) request.headers[HARNESS_HEADER] = "1";
      return next(args);
    },
    { step: "build", name: "pilotlightHarnessMarker", override: true },
  );
}
