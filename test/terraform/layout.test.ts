import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// The Terraform tree's own contract: provider constraints and the module table of its README.
const TF = join(import.meta.dirname, "../../terraform");
const read = (path: string) => readFileSync(join(TF, path), "utf8");
const modules = readdirSync(join(TF, "modules")).sort();
const examples = readdirSync(join(TF, "examples")).sort();

/** The hashicorp/aws version constraint of a terraform block. */
function awsConstraint(hcl: string): string | undefined {
  return /aws = \{[^}]*?version\s*=\s*"([^"]+)"/s.exec(hcl)?.[1];
}

// The floor is the provider version the suite runs (scripts/toolchain's mirror label): the
// write-only arguments (password_wo, secret_string_wo) and everything else the modules use are
// proven with it, and 6.26.0 first stopped reading a write-only secret back (GetSecretValue,
// provider CHANGELOG #44876). Modules give only the floor, so that a caller combining them with
// other modules is not boxed in; the examples, root configurations, add the upper bound.
const TOOLCHAIN = readFileSync(join(TF, "../scripts/toolchain"), "utf8");
const TESTED = /AWS_PROVIDER_LABEL="(\d+\.\d+)\.\d+"/.exec(TOOLCHAIN)?.[1];

describe("terraform layout", () => {
  describe("provider constraints", () => {
    it("reads the tested provider version from scripts/toolchain", () => {
      expect(TESTED).toMatch(/^6\.\d+$/);
    });

    it.each(["versions.tf", ...modules.map((m) => `modules/${m}/versions.tf`)])(
      "%s: only the tested floor, no upper bound",
      (path) => {
        expect(awsConstraint(read(path))).toBe(`>= ${TESTED}`);
      },
    );

    it.each([...examples.map((e) => `examples/${e}/main.tf`), "tests/smoke/main.tf"])(
      "%s: the tested floor and < 7.0",
      (path) => {
        expect(awsConstraint(read(path))).toBe(`>= ${TESTED}, < 7.0`);
      },
    );
  });

  it("README's module table lists every module", () => {
    const listed = [...read("README.md").matchAll(/^\| \[([a-z-]+)\]\(modules\/\1\) \|/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual(modules);
  });
});
