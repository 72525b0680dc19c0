import { appendFileSync } from "node:fs";
import { resourceFields } from "./call-arns.js";

/**
 * When set, every AWS call of a recording client is appended to this file as a JSON line: the
 * IAM contract tests (test/iam) evaluate each against the policy of the program that made it.
 * Unset (production), recording clients are the plain clients.
 */
export const CALL_LOG_ENV = "PILOTLIGHT_CALL_LOG";

/** The programs with an IAM identity of their own: each has one permissions source (src/core/permissions). */
export type CallingProgram = "failover" | "readiness" | "probe" | "app" | "cli";

/** Who made a call: a program, or the local harness playing AWS (recorded, outside the contract). */
export type CallSource = CallingProgram | "local-harness";

/** One line of the call log. */
export interface RecordedCall {
  program: CallSource;
  /** The IAM action, `service:Action`. */
  action: string;
  region: string;
  /** The input fields that name the resource (src/aws/call-arns.ts); nothing else of the input. */
  resource: Record<string, unknown>;
}

/** IAM's service prefix per SDK client (the SDK names clients after the service, IAM has its own prefixes). */
const IAM_PREFIX: Readonly<Record<string, string>> = {
  AutoScalingClient: "autoscaling",
  CloudWatchClient: "cloudwatch",
  DynamoDBClient: "dynamodb",
  DynamoDBDocumentClient: "dynamodb",
  EC2Client: "ec2",
  ElasticLoadBalancingV2Client: "elasticloadbalancing",
  IAMClient: "iam",
  LambdaClient: "lambda",
  RDSClient: "rds",
  Route53Client: "route53",
  S3Client: "s3",
  SecretsManagerClient: "secretsmanager",
  ServiceQuotasClient: "servicequotas",
  SNSClient: "sns",
  SQSClient: "sqs",
  SSMClient: "ssm",
  STSClient: "sts",
};

/**
 * The IAM action of an SDK command: the operation name, prefixed by the service's IAM prefix.
 *
 * @example iamAction("DynamoDBClient", "PutItemCommand") // "dynamodb:PutItem"
 */
export function iamAction(clientName: string, commandName: string): string {
  const prefix = IAM_PREFIX[clientName] ?? clientName.replace(/Client$/, "").toLowerCase();
  return `${prefix}:${commandName.replace(/Command$/, "")}`;
}

/** What the recorder needs of an SDK v3 client. */
interface RecordableClient {
  middlewareStack: {
    add(
      middleware: (
        next: (args: { input: object }) => Promise<unknown>,
        context: { clientName?: string; commandName?: string },
      ) => (args: { input: object }) => Promise<unknown>,
      options: { step: "initialize"; name: string; override?: boolean },
    ): void;
  };
  config: { region?: unknown };
}

/**
 * Adds the call recorder to a client when PILOTLIGHT_CALL_LOG is set, and returns the client.
 * Every place that builds a client for a program calls this, so bundles (which carry their own
 * SDK) record as well as the CLI.
 *
 * @example const rds = recordCalls(new RDSClient({ region }), "failover");
 */
export function recordCalls<C>(client: C, program: CallSource, env: NodeJS.ProcessEnv = process.env): C {
  const file = env[CALL_LOG_ENV];
  if (!file) return client;
  const c = client as unknown as RecordableClient;
  c.middlewareStack.add(
    (next, context) => async (args) => {
      const region = await resolveRegion(c.config.region);
      const action = iamAction(context.clientName ?? "", context.commandName ?? "");
      const line: RecordedCall = {
        program,
        action,
        region,
        resource: resourceFields(action, args.input as Record<string, unknown>),
      };
      appendFileSync(file, `${JSON.stringify(line)}\n`);
      return next(args);
    },
    { step: "initialize", name: "pilotlightCallRecorder", override: true },
  );
  return client;
}

async function resolveRegion(region: unknown): Promise<string> {
  const value = typeof region === "function" ? await (region as () => Promise<string>)() : region;
  return typeof value === "string" ? value : "";
}
