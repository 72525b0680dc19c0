import type {
  OperationAct,
  OperationRecord,
  OperationRecordPort,
} from "../functions/shared/operation-record.js";
import { acted, closeOperation, stepFinished, stepStarted } from "../functions/shared/operation-record.js";
import { CliError, ExitCode } from "./exit-codes.js";

/**
 * An operator operation's progress record as a run keeps it (failback, the AWS drill): every
 * change is one conditional write of the next version, made before the call it announces. A lost
 * write means another run holds the record: this one stops before acting. `resume` says how to go
 * on from what was recorded.
 */
export class OperationProgress {
  constructor(
    private readonly port: OperationRecordPort,
    private record: OperationRecord,
    private readonly resume: string,
    private readonly now: () => number = Date.now,
  ) {}

  get current(): OperationRecord {
    return this.record;
  }

  act(name: string): OperationAct | undefined {
    return this.record.acts[name];
  }

  /** Records `act` before its call (a no-op when this run or an earlier one recorded it). */
  async acting(name: string, act: { id: string; to?: string }): Promise<void> {
    await this.save(acted(this.record, name, act, this.now()));
  }

  async started(step: string): Promise<void> {
    await this.save(stepStarted(this.record, step, this.now()));
  }

  async finished(step: string, outcome: "done" | "skipped", detail: string): Promise<void> {
    await this.save(stepFinished(this.record, step, outcome, detail, this.now()));
  }

  async close(): Promise<void> {
    await this.save(closeOperation(this.record, this.now()));
  }

  private async save(next: OperationRecord): Promise<void> {
    if (next === this.record) return;
    if (!(await this.port.write(next))) {
      throw new CliError(
        `the ${this.record.operation} record ${this.record.key} changed under this run (another run holds it, or ran since this one read it): stopped before acting. ${this.resume}`,
        ExitCode.failed,
      );
    }
    this.record = next;
  }
}
