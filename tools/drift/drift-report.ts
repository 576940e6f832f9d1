import type { EngineEvent, OpType, PropertyDiff, StepEventMetadata } from "@pulumi/pulumi/automation";

/** Operations a refresh-preview plans only when the cloud no longer matches the program. */
const NO_CHANGE: readonly OpType[] = ["same", "read", "refresh"];

export interface PropertyDrift {
  /** Property path, e.g. `tags.team` or `scalingConfig.maxSize`. */
  readonly path: string;
  readonly kind: PropertyDiff["diffKind"] | "changed";
  /** Value in the cloud now (after refresh); secrets masked. */
  readonly actual: unknown;
  /** Value the program declares; secrets masked. */
  readonly declared: unknown;
}

export interface ResourceDrift {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly op: OpType;
  readonly properties: readonly PropertyDrift[];
  readonly suggestedAction: string;
}

export interface StackDriftReport {
  readonly stack: string;
  readonly checkedAt: string;
  readonly drifted: readonly ResourceDrift[];
  /** Engine errors; a stack with errors could not be checked. */
  readonly errors: readonly string[];
}

const SECRET_MASK = "[secret]";
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_KEY = /(password|passwd|secret|token|private.?key|api.?key|kubeconfig|credential)/i;

/** Builds a stack's drift report from the engine events of `preview --refresh`. */
export function buildDriftReport(
  stack: string,
  events: readonly EngineEvent[],
  checkedAt: Date,
): StackDriftReport {
  const drifted = events
    .map((event) => event.resourcePreEvent?.metadata)
    .filter((step): step is StepEventMetadata => step !== undefined && !NO_CHANGE.includes(step.op))
    .filter((step) => step.type !== "pulumi:pulumi:Stack")
    .map(toResourceDrift);
  const errors = events
    .map((event) => event.diagnosticEvent)
    .filter((diagnostic) => diagnostic?.severity === "error")
    .map((diagnostic) => stripAnsi(diagnostic?.message ?? "").trim());
  return { stack, checkedAt: checkedAt.toISOString(), drifted, errors };
}

function toResourceDrift(step: StepEventMetadata): ResourceDrift {
  const declared = step.new?.inputs ?? {};
  const actual = step.old?.inputs ?? step.old?.outputs ?? {};
  const paths = step.detailedDiff ? Object.keys(step.detailedDiff) : (step.diffs ?? []);
  return {
    urn: step.urn,
    type: step.type,
    name: step.urn.split("::").pop() ?? step.urn,
    op: step.op,
    properties: paths.map((path) => ({
      path,
      kind: step.detailedDiff?.[path]?.diffKind ?? "changed",
      actual: masked(path, valueAt(actual, path)),
      declared: masked(path, valueAt(declared, path)),
    })),
    suggestedAction: suggestedAction(step.op),
  };
}

function suggestedAction(op: OpType): string {
  switch (op) {
    case "create":
      return "Deleted outside Pulumi. Run `pulumi up` to recreate it, or remove it from the program if that was intended.";
    case "update":
      return "Changed outside Pulumi. Run `pulumi up` to restore the declared values, or adopt the change in code/config first.";
    case "replace":
    case "create-replacement":
    case "delete-replaced":
      return "Restoring the declared values needs a replacement. Review before `pulumi up`: stateful resources lose data.";
    case "delete":
      return "In the stack's state but not in the program. Check the program is the deployed revision before `pulumi up`.";
    default:
      return "Review with `pulumi preview --refresh --diff`.";
  }
}

/** Reads `a.b[0].c` style paths, the form detailedDiff keys take. */
function valueAt(object: unknown, path: string): unknown {
  return path
    .replace(/\[(\d+)\]/g, ".$1")
    .split(".")
    .filter((part) => part !== "")
    .reduce<unknown>(
      (value, key) =>
        typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined,
      object,
    );
}

/** Secrets never reach a report: engine-marked secrets, and anything under a secret-sounding key. */
export function masked(path: string, value: unknown): unknown {
  if (value === undefined) return undefined;
  if (SECRET_KEY.test(path)) return SECRET_MASK;
  return maskDeep(value);
}

function maskDeep(value: unknown): unknown {
  if (value === SECRET_MASK) return value;
  if (typeof value !== "object" || value === null) return value;
  if ((value as Record<string, unknown>)[SECRET_SIG] !== undefined) return SECRET_MASK;
  if (Array.isArray(value)) return value.map(maskDeep);
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [key, SECRET_KEY.test(key) ? SECRET_MASK : maskDeep(inner)]),
  );
}

function stripAnsi(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing terminal colour codes.
  return text.replace(/\u001b\[[0-9;]*m/g, "").replace(/<\{%[^%]*%\}>/g, "");
}
