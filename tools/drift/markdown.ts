import type { StackDriftReport } from "./drift-report";

/** The report people review: per stack, what drifted, how, and what to do. */
export function driftMarkdown(reports: readonly StackDriftReport[]): string {
  const lines = ["# Drift report", ""];
  lines.push("| stack | status | drifted resources |", "|---|---|---|");
  for (const report of reports)
    lines.push(`| ${report.stack} | ${status(report)} | ${report.drifted.length} |`);
  for (const report of reports) {
    lines.push("", `## ${report.stack}`, "", `Checked ${report.checkedAt}: ${status(report)}.`);
    for (const error of report.errors) lines.push("", "```", error, "```");
    for (const resource of report.drifted) {
      lines.push(
        "",
        `### \`${resource.name}\` (${resource.type}): ${resource.op}`,
        "",
        resource.suggestedAction,
      );
      if (resource.properties.length === 0) continue;
      lines.push("", "| property | change | in the cloud | declared |", "|---|---|---|---|");
      for (const property of resource.properties) {
        lines.push(
          `| \`${property.path}\` | ${property.kind} | ${cell(property.actual)} | ${cell(property.declared)} |`,
        );
      }
    }
  }
  return `${lines.join("\n")}\n`;
}

function status(report: StackDriftReport): string {
  if (report.errors.length > 0) return "error";
  return report.drifted.length > 0 ? "drifted" : "no drift";
}

function cell(value: unknown): string {
  if (value === undefined) return "—";
  return `\`${JSON.stringify(value).replace(/\|/g, "\\|").slice(0, 200)}\``;
}
