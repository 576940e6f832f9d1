import { createHash } from "node:crypto";

/** One structured line per tool call. Arguments are digested, never logged: they may hold personal data. */
export interface AuditRecord {
  readonly type: "audit";
  readonly time: string;
  readonly caller: string;
  readonly tool: string;
  readonly argumentsSha256: string;
  readonly durationMs: number;
  readonly outcome: "ok" | "tool_error" | "protocol_error" | "denied" | "rate_limited";
  readonly detail?: string;
}

export type AuditSink = (record: AuditRecord) => void;

/** Default sink: JSON lines on stdout, where the cluster's log shipper picks them up. */
export const stdoutAuditSink: AuditSink = (record) => process.stdout.write(`${JSON.stringify(record)}\n`);

/** Every record to `primary` first (stdout: the record of last resort), then to each copy. */
export function teeAudit(primary: AuditSink, ...copies: readonly AuditSink[]): AuditSink {
  if (copies.length === 0) return primary;
  return (record) => {
    primary(record);
    for (const copy of copies) copy(record);
  };
}

/** SHA-256 of the arguments with object keys sorted, so equal arguments digest equally. */
export function argumentsDigest(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex");
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}
