// The JSON lives in the module so the module stays self-contained (Terraform and OpenTofu read only
// files inside a module source).
import failover from "../../../terraform/modules/failover/permissions.json" with { type: "json" };

/**
 * One grant of a program's role, as terraform/modules/<program>/permissions.json lists it: Terraform builds
 * the role policy from the same file (jsondecode), so the code and the policy cannot drift apart.
 */
export interface Grant {
  sid: string;
  actions: string[];
  /** The ARN the module scopes the grant to, by name (`*` where AWS does not scope the action). */
  resource: string;
  /** The failover step that needs the grant (for error hints). */
  step?: string;
  /** The path that needs a grant no SDK call of ours makes (the Lambda runtime, a service on our behalf). */
  why?: string;
  condition?: Record<string, unknown>;
}

/** The failover function's role. */
export const failoverGrants: readonly Grant[] = failover.statements;
