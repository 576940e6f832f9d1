import type { Severity } from "@pulumi/policy";
import type { Violation } from "./evaluate";

const SEVERITY_ORDER: readonly Severity[] = ["critical", "high", "medium", "low"];

/** Violations grouped by severity, mandatory ones marked, for a terminal or a CI log. */
export function formatViolations(stack: string, violations: readonly Violation[]): string {
  if (violations.length === 0) return `Stack ${stack}: no policy violations.`;
  const lines = [`Stack ${stack}: ${violations.length} policy violation(s)`];
  for (const severity of SEVERITY_ORDER) {
    const group = violations.filter((violation) => violation.severity === severity);
    if (group.length === 0) continue;
    lines.push("", `${severity.toUpperCase()} (${group.length})`);
    for (const violation of group) {
      const where = violation.urn ? ` [${violation.urn.split("::").pop()}]` : "";
      lines.push(`  ${violation.enforcementLevel.padEnd(9)} ${violation.pack}/${violation.rule}${where}`);
      lines.push(...violation.message.split("\n").map((line) => `      ${line}`));
    }
  }
  return lines.join("\n");
}

export function hasMandatoryViolation(violations: readonly Violation[]): boolean {
  return violations.some((violation) => violation.enforcementLevel === "mandatory");
}
