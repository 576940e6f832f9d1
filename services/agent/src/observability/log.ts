/**
 * Structured JSON logs, one line per event. Callers pass fields, never prompts or answers unless
 * `telemetry.logContent` is on, and never keys or tokens: the redaction below is a second line of
 * defence for field names that look secret.
 */
export type LogLevel = "debug" | "info" | "warn" | "error";
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_FIELD = /(authorization|api[_-]?key|password|secret|token$)/i;

export interface Logger {
  log(level: LogLevel, event: string, fields?: Record<string, unknown>): void;
}

export function jsonLogger(
  minimum: LogLevel = "info",
  write: (line: string) => void = (line) => process.stdout.write(line),
): Logger {
  return {
    log(level, event, fields = {}) {
      if (ORDER[level] < ORDER[minimum]) return;
      const record: Record<string, unknown> = { time: new Date().toISOString(), level, event };
      for (const [key, value] of Object.entries(fields))
        record[key] = SECRET_FIELD.test(key) ? "[redacted]" : value;
      write(`${JSON.stringify(record)}\n`);
    },
  };
}

export const silentLogger: Logger = { log() {} };
