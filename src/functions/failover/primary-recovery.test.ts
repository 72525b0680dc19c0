import { describe, expect, it } from "vitest";
import { inRegionRecovery, RECOVERY_STATUSES } from "./primary-recovery.js";

const at = (minute: number) => `2026-12-03T12:${String(minute).padStart(2, "0")}:00.000Z`;
const event = (minute: number, message: string, categories = ["failover"]) => ({
  date: at(minute),
  message,
  categories,
});

describe("primary-recovery", () => {
  describe("inRegionRecovery", () => {
    // "Viewing instance status" (RDS User Guide)
    it.each(RECOVERY_STATUSES)("reads status %s as an in-region recovery", (status) => {
      expect(inRegionRecovery(status, [])).toMatchObject({ recovering: true });
    });

    it.each(["available", "backing-up", "storage-optimization", "failed", "storage-full", "stopped"])(
      "reads status %s as no recovery under way",
      (status) => {
        expect(inRegionRecovery(status, [])).toMatchObject({ recovering: false });
      },
    );

    // "Amazon RDS event categories and event messages", DB instance events: the table's
    // description and the shorter message RDS sends both match
    it.each([
      ["RDS-EVENT-0013", "Multi-AZ instance failover started."],
      [
        "RDS-EVENT-0013",
        "A Multi-AZ failover that resulted in the promotion of a standby instance has started.",
      ],
      ["RDS-EVENT-0050", "Multi-AZ instance activation started."],
      [
        "RDS-EVENT-0020",
        "Recovery of the DB instance has started. Recovery time will vary with the amount of data to be recovered.",
      ],
      ["RDS-EVENT-0052", "Recovery of the Multi-AZ instance has started."],
      ["RDS-EVENT-0026", "Applying off-line patches to DB instance."],
      [
        "RDS-EVENT-0026",
        "Offline maintenance of the DB instance is taking place. The DB instance is currently unavailable.",
      ],
    ])("holds on %s without a later end (%s)", (id, message) => {
      const reading = inRegionRecovery("available", [event(1, message)]);
      expect(reading.recovering).toBe(true);
      expect(reading.detail).toContain(id);
    });

    it.each([
      ["Multi-AZ instance failover started.", "Multi-AZ instance failover completed."],
      ["Multi-AZ instance failover started.", "A Multi-AZ failover has completed."],
      [
        "Multi-AZ instance failover started.",
        "Multi-AZ failover to standby complete - DNS may take several minutes to resolve.",
      ],
      ["Multi-AZ instance activation started.", "Multi-AZ instance activation completed."],
      ["Recovery of the DB instance has started.", "Recovery of the DB instance is complete."],
      ["Recovery of the Multi-AZ instance has started.", "Recovery of the Multi-AZ instance is complete."],
      ["Applying off-line patches to DB instance.", "Finished applying off-line patches to DB instance."],
    ])("does not hold once %s is followed by %s", (start, end) => {
      expect(inRegionRecovery("available", [event(1, start), event(2, end)])).toMatchObject({
        recovering: false,
      });
    });

    it("orders the events by date, whatever order the API returns them in", () => {
      const events = [
        event(5, "Multi-AZ instance failover started."),
        event(2, "Multi-AZ instance failover completed."),
      ];
      expect(inRegionRecovery("available", events).recovering).toBe(true);
    });

    it("ignores events of no recovery kind, and an unknown status (P's API did not answer it)", () => {
      const events = [
        event(1, "Backing up DB instance", ["backup"]),
        event(2, "DB instance restarted", ["availability"]),
      ];
      expect(inRegionRecovery(undefined, events)).toEqual({ recovering: false, detail: "status unknown" });
    });
  });
});
