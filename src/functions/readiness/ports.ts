import type { LatchSignalReading } from "../../aws/health-signal.js";
import type {
  CapacityPort,
  Clock,
  DatabasePort,
  HealthCheckPort,
  LatchPort,
  LockPort,
} from "../shared/ports.js";

/** The launch template version B's group uses, as far as readiness cares. */
export interface LaunchTemplateState {
  id: string;
  version: string;
  /** Literal AMI id, or `resolve:ssm:<parameter>`. */
  imageId?: string;
  instanceType?: string;
}

export interface LaunchPort {
  template(id: string, version: string): Promise<LaunchTemplateState | undefined>;
  /** The value of an SSM parameter in B (the AMI alias), undefined when it does not exist. */
  parameter(name: string): Promise<string | undefined>;
  vcpus(instanceType: string): Promise<number | undefined>;
}

export interface AlarmState {
  name: string;
  namespace?: string;
  metricName?: string;
  dimensions: Array<{ name: string; value: string }>;
  actions: string[];
  actionsEnabled: boolean;
  evaluationPeriods?: number;
  state?: string;
}

export interface FunctionState {
  arn: string;
  roleArn?: string;
}

export interface DetectionPort {
  alarm(name: string): Promise<AlarmState | undefined>;
  subscriptions(topicArn: string): Promise<Array<{ protocol: string; endpoint: string }>>;
  function(name: string): Promise<FunctionState | undefined>;
}

export interface PermissionCheck {
  action: string;
  resource: string;
}

export interface PermissionsPort {
  /** IAM policy simulation of `roleArn`; returns the checks that are not allowed. */
  denied(roleArn: string, checks: PermissionCheck[]): Promise<Array<PermissionCheck & { decision: string }>>;
}

export interface QuotaPort {
  /** EC2 "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances" vCPU quota in B. */
  onDemandStandardVcpus(): Promise<number | undefined>;
}

export interface LatchPolicyPort {
  /**
   * The address ranges the latch bucket policy lets GET the latch object (its checkers' statement,
   * terraform/modules/latch); undefined when the bucket has no policy.
   */
  checkerCidrs(): Promise<string[] | undefined>;
  /** Route 53's checkers' ranges as AWS publishes them now (ip-ranges.json, ROUTE53_HEALTHCHECKS). */
  publishedCheckerCidrs(): Promise<string[]>;
}

export interface ReadinessPorts {
  database: DatabasePort;
  capacity: CapacityPort;
  healthCheck: HealthCheckPort;
  latch: Pick<LatchPort, "read">;
  /** Route 53's verdict on the latch check from its data plane (the latch-signal pair). */
  latchSignal(): Promise<LatchSignalReading>;
  latchPolicy: LatchPolicyPort;
  lock: LockPort;
  launch: LaunchPort;
  detection: DetectionPort;
  permissions: PermissionsPort;
  quota: QuotaPort;
  clock: Clock;
}
