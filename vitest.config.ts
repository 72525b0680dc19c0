import { defineConfig } from "vitest/config";

const exclude = ["**/node_modules/**", "**/dist/**", "**/.pilotlight/**"];

// unit: pure logic and SDK mocks, no network. integration: the real moto server (one per run,
// started by test/setup/emulator.ts) and real PostgreSQL where a test starts one.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["src/**/*.test.ts", "test/**/*.test.ts"],
          exclude: [...exclude, "**/*.int.test.ts", "**/*.contract.test.ts"],
        },
      },
      {
        test: {
          name: "integration",
          include: ["src/**/*.int.test.ts", "test/**/*.int.test.ts"],
          exclude,
          globalSetup: ["test/setup/emulator.ts"],
          setupFiles: ["test/setup/aws-env.ts"],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        // IAM contract: evaluates the calls the integration project recorded, so it runs after it
        // (`--project integration --project contract`).
        test: {
          name: "contract",
          include: ["test/**/*.contract.test.ts"],
          exclude,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
