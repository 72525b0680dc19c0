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

type Ctor<T> = new (config: Record<string, unknown>) => T;

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
  return new ctor({
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
 * AWS SDK clients per region, built once each (by buildClient), so a region that does not answer
 * holds up nothing else. Route 53 and IAM are global; their APIs live in us-east-1.
 */
export class Clients {
  private readonly cache = new Map<string, unknown>();
  private harness?: Clients;
  /** `source`: whose identity makes the calls, for the IAM contract's call log (src/aws/call-recorder.ts). */
  constructor(
    private readonly options: ClientOptions = CLI_CLIENT_OPTIONS,
    private readonly source: CallSource = "cli",
  ) {}

  /**
   * Clients for best-effort calls (to us-east-1 or to P, docs/functions.md "The guard: independent signals"): one attempt,
   * connect and request each bounded by `timeoutMs`, same endpoints and caller as these.
   */
  bestEffort(timeoutMs: number): Clients {
    return new Clients(
      { ...this.options, connectionTimeoutMs: timeoutMs, requestTimeoutMs: timeoutMs, maxAttempts: 1 },
      this.source,
    );
  }

  /** The same clients for the local harness, whose calls play AWS and are no operator's (IAM contract). */
  forLocalHarness(): Clients {
    this.harness ??= new Clients(this.options, "local-harness");
    return this.harness;
  }

  private get<T>(ctor: Ctor<T>, key: string, region: string, extra: Record<string, unknown> = {}): T {
    const id = `${key}:${region}`;
    let client = this.cache.get(id) as T | undefined;
    if (!client) {
      client = recordCalls(buildClient(ctor, region, this.options, extra), this.source);
      if (this.source === "local-harness") markHarness(client);
      this.cache.set(id, client);
    }
    return client;
  }

  ssm(region: string): SSMClient {
    return this.get(SSMClient as Ctor<SSMClient>, "ssm", region);
  }
  rds(region: string): RDSClient {
    return this.get(RDSClient as Ctor<RDSClient>, "rds", region);
  }
  autoScaling(region: string): AutoScalingClient {
    return this.get(AutoScalingClient as Ctor<AutoScalingClient>, "asg", region);
  }
  elbv2(region: string): ElasticLoadBalancingV2Client {
    return this.get(ElasticLoadBalancingV2Client as Ctor<ElasticLoadBalancingV2Client>, "elbv2", region);
  }
  cloudWatch(region: string): CloudWatchClient {
    return this.get(CloudWatchClient as Ctor<CloudWatchClient>, "cloudwatch", region, {
      protocol: CLOUDWATCH_PROTOCOL,
    });
  }
  dynamoDb(region: string): DynamoDBClient {
    return this.get(DynamoDBClient as Ctor<DynamoDBClient>, "dynamodb", region);
  }
  sns(region: string): SNSClient {
    return this.get(SNSClient as Ctor<SNSClient>, "sns", region);
  }
  ec2(region: string): EC2Client {
    return this.get(EC2Client as Ctor<EC2Client>, "ec2", region);
  }
  lambda(region: string): LambdaClient {
    return this.get(LambdaClient as Ctor<LambdaClient>, "lambda", region);
  }
  serviceQuotas(region: string): ServiceQuotasClient {
    return this.get(ServiceQuotasClient as Ctor<ServiceQuotasClient>, "servicequotas", region);
  }
  secretsManager(region: string): SecretsManagerClient {
    return this.get(SecretsManagerClient as Ctor<SecretsManagerClient>, "secretsmanager", region);
  }
  s3(region: string): S3Client {
    return this.get(S3Client as Ctor<S3Client>, "s3", region);
  }
  sts(region: string): STSClient {
    return this.get(STSClient as Ctor<STSClient>, "sts", region);
  }
  route53(): Route53Client {
    return this.get(Route53Client as Ctor<Route53Client>, "route53", ROUTE53_REGION);
  }
  iam(): IAMClient {
    return this.get(IAMClient as Ctor<IAMClient>, "iam", ROUTE53_REGION);
  }

  /** Closes every socket so the process can exit at once. */
  destroy(): void {
    for (const c of this.cache.values()) (c as { destroy(): void }).destroy();
    this.cache.clear();
    this.harness?.destroy();
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
