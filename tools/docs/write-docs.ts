/** `npm run docs`: regenerates the documentation generated from code. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildDriftReport } from "../drift/drift-report";
import { driftMarkdown } from "../drift/markdown";
import { CLEAN_EVENTS, DRIFTED_EVENTS } from "../drift/sample-events";
import { renderPolicyDocs } from "./policy-docs";

export const SAMPLE_CHECKED_AT = new Date("2026-11-23T02:17:00Z");

/** The drift report of the recorded sample events, as people see it. */
export function renderDriftSample(): string {
  return driftMarkdown([
    buildDriftReport("dev", DRIFTED_EVENTS, SAMPLE_CHECKED_AT),
    buildDriftReport("prod", CLEAN_EVENTS, SAMPLE_CHECKED_AT),
  ]);
}

if (require.main === module) {
  const docs = join(__dirname, "..", "..", "docs");
  writeFileSync(join(docs, "policies.md"), renderPolicyDocs());
  writeFileSync(join(docs, "drift-sample.md"), renderDriftSample());
  process.stdout.write(`wrote ${docs}/policies.md and ${docs}/drift-sample.md\n`);
}
