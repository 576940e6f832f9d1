/**
 * Drift report: `npm run drift -- <stack> [<stack>...] [--out DIR]`. Runs `preview --refresh` on each
 * stack through the Automation API and writes DIR/drift-report.md and DIR/drift-report.json
 * (DIR defaults to ./drift-report). Exit code: 0 no drift, 2 drift, 1 error.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { automationDriftSource } from "./drift-source";
import { driftMarkdown } from "./markdown";
import { checkDrift, EXIT, exitCodeFor, parseDriftArgs } from "./run-drift";

async function main(args: string[]): Promise<number> {
  const { stacks, outDir: out } = parseDriftArgs(args);
  const outDir = resolve(out);
  if (stacks.length === 0) {
    process.stderr.write("usage: npm run drift -- <stack> [<stack>...] [--out DIR]\n");
    return EXIT.error;
  }
  const reports = await checkDrift(automationDriftSource(join(__dirname, "..", "..")), stacks);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, "drift-report.md"), driftMarkdown(reports));
  writeFileSync(join(outDir, "drift-report.json"), `${JSON.stringify(reports, null, 2)}\n`);
  process.stdout.write(driftMarkdown(reports));
  return exitCodeFor(reports);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(EXIT.error);
  },
);
