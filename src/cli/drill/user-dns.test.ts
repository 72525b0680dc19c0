import { describe, expect, it } from "vitest";
import { exampleConfig } from "../../../test/fixtures/config.js";
import { answersBackup, type Resolve4, userDnsProbes } from "./user-dns.js";

const config = exampleConfig();
/** A resolver whose cache holds these answers (name -> addresses). */
const cached =
  (answers: Record<string, string[]>): Resolve4 =>
  async (name) => {
    const a = answers[name];
    if (!a) throw Object.assign(new Error(`queryA ENOTFOUND ${name}`), { code: "ENOTFOUND" });
    return a;
  };

describe("users' DNS", () => {
  describe("answersBackup", () => {
    it("holds when every address of the app's name is one of B's ALB addresses", async () => {
      const r = cached({
        [config.dns.recordName]: ["10.2.0.5"],
        [config.backup.alb.dnsName]: ["10.2.0.5", "10.2.1.7"],
      });
      expect(await answersBackup(r, config)).toBe(true);
    });

    it("does not hold while a resolver's cache still answers P (the record's TTL not yet out)", async () => {
      const r = cached({ [config.dns.recordName]: ["10.1.0.9"], [config.backup.alb.dnsName]: ["10.2.0.5"] });
      expect(await answersBackup(r, config)).toBe(false);
      const mixed = cached({
        [config.dns.recordName]: ["10.2.0.5", "10.1.0.9"],
        [config.backup.alb.dnsName]: ["10.2.0.5"],
      });
      expect(await answersBackup(mixed, config)).toBe(false);
    });
  });

  describe("userDnsProbes", () => {
    it("gives one milestone per resolver, reached when that resolver answers B, unreached on errors", async () => {
      const probes = userDnsProbes(config, {
        "1.1.1.1": cached({
          [config.dns.recordName]: ["10.2.0.5"],
          [config.backup.alb.dnsName]: ["10.2.0.5"],
        }),
        "8.8.8.8": cached({}),
      });
      expect(Object.keys(probes)).toEqual(["dns:1.1.1.1", "dns:8.8.8.8"]);
      expect(probes["dns:1.1.1.1"]?.name).toBe("DNS answering B through 1.1.1.1");
      expect(await probes["dns:1.1.1.1"]?.probe()).toBeTypeOf("number");
      expect(await probes["dns:8.8.8.8"]?.probe()).toBeUndefined();
    });
  });
});
