/**
 * Offline policy check: `npm run policy -- <stack> [<stack>...]`. Renders each stack under Pulumi's
 * mock runtime (no CLI, no credentials), runs both packs with the stack's environment config, prints
 * the violations by severity and the cost estimate. Exit code 1 on any mandatory violation.
 * The real gate is `pulumi preview --policy-pack ...`, which sees what the clouds compute too.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { formatEstimate } from "../cost/rules/estimate";
import { checkRenderedStack } from "./check-stack";
import { renderStackFile } from "./render-stack";
import { formatViolations, hasMandatoryViolation } from "./report";

async function main(stacks: string[]): Promise<number> {
  if (stacks.length === 0) {
    process.stderr.write("usage: npm run policy -- <stack> [<stack>...]   (e.g. dev prod local prod-aws)\n");
    return 2;
  }
  if (stacks.length > 1) {
    // A process renders the program once (require caches it): give each stack its own.
    const codes = stacks.map(
      (stack) =>
        spawnSync(process.execPath, [...process.execArgv, __filename, stack], { stdio: "inherit" }).status ??
        2,
    );
    return Math.max(...codes);
  }
  const [stack] = stacks as [string];
  const run = await renderStackFile(
    async () => require(join(__dirname, "..", "..", "stacks", "index.ts")),
    stack,
  );
  const result = checkRenderedStack(stack, run);
  process.stdout.write(
    `${formatViolations(stack, result.violations)}\n\nCost estimate (${result.environment}):\n${formatEstimate(result.estimate)}\n\n`,
  );
  return hasMandatoryViolation(result.violations) ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
