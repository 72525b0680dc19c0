import { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { RDSClient } from "@aws-sdk/client-rds";
import { Route53Client } from "@aws-sdk/client-route-53";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SSMClient } from "@aws-sdk/client-ssm";
import { STSClient } from "@aws-sdk/client-sts";
import { AwsQueryProtocol } from "@aws-sdk/core/protocols";

/**
 * AWS SDK clients per region, built once and with short timeouts: an operator during an outage
 * wants an answer in seconds, and a region that does not answer must not hold up the other.
 * Route 53 is global; its API lives in us-east-1.
 */
export interface ClientOptions {
  /** Per-region endpoint override (tests aim one region at a dead port); default: the SDK's own. */
  endpointFor?: (region: string) => string | undefined;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  maxAttempts?: number;
}

/**
 * CloudWatch answers both its query protocol and JSON; this SDK release speaks JSON by default,
 * which the emulator does not serve. The query protocol works with both.
 */
export const CLOUDWATCH_PROTOCOL = AwsQueryProtocol;

type Ctor<T> = new (config: Record<string, unknown>) => T;

export class Clients {
  private readonly cache = new Map<string, unknown>();
  constructor(private readonly options: ClientOptions = {}) {}

  private get<T>(ctor: Ctor<T>, key: string, region: string, extra: Record<string, unknown> = {}): T {
    const id = `${key}:${region}`;
    let client = this.cache.get(id) as T | undefined;
    if (!client) {
      const endpoint = this.options.endpointFor?.(region);
      client = new ctor({
        region,
        maxAttempts: this.options.maxAttempts ?? 2,
        requestHandler: {
          connectionTimeout: this.options.connectionTimeoutMs ?? 2_000,
          requestTimeout: this.options.requestTimeoutMs ?? 5_000,
        },
        ...(endpoint ? { endpoint } : {}),
        ...extra,
      });
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
  secretsManager(region: string): SecretsManagerClient {
    return this.get(SecretsManagerClient as Ctor<SecretsManagerClient>, "secretsmanager", region);
  }
  sts(region: string): STSClient {
    return this.get(STSClient as Ctor<STSClient>, "sts", region);
  }
  route53(): Route53Client {
    return this.get(Route53Client as Ctor<Route53Client>, "route53", "us-east-1");
  }

  /** Closes every socket so the process can exit at once. */
  destroy(): void {
    for (const c of this.cache.values()) (c as { destroy(): void }).destroy();
    this.cache.clear();
  }
}
