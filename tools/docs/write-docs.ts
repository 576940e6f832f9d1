/** `npm run docs`: regenerates the documentation generated from code. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { STACK_NAMES } from "../../policies/offline/stack-files";
import { buildDriftReport } from "../drift/drift-report";
import { driftMarkdown } from "../drift/markdown";
import { CLEAN_EVENTS, DRIFTED_EVENTS } from "../drift/sample-events";
import { collectFootprints } from "./footprint/collect";
import { renderResourcesDoc } from "./footprint/render";
import { renderPolicyDocs } from "./policy-docs";

export const SAMPLE_CHECKED_AT = new Date("2026-11-23T02:17:00Z");

/** The drift report of the recorded sample events, as people see it. */
export function renderDriftSample(): string {
  return driftMarkdown([
    buildDriftReport("dev", DRIFTED_EVENTS, SAMPLE_CHECKED_AT),
    buildDriftReport("prod", CLEAN_EVENTS, SAMPLE_CHECKED_AT),
  ]);
}

async function main(): Promise<void> {
  const docs = join(__dirname, "..", "..", "docs");
  writeFileSync(join(docs, "policies.md"), renderPolicyDocs());
  writeFileSync(join(docs, "drift-sample.md"), renderDriftSample());
  writeFileSync(join(docs, "resources.md"), renderResourcesDoc(await collectFootprints(STACK_NAMES)));
  process.stdout.write(`wrote ${docs}/policies.md, drift-sample.md and resources.md\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
