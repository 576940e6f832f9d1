import * as pulumi from "@pulumi/pulumi";
import { platformMocks } from "./mocks";
import { readStackFile, toPulumiConfig } from "./stack-files";

/**
 * Renders the Pulumi program under Pulumi's mock runtime, without the CLI, plugins or cloud
 * credentials: every declared resource with its type, name, parent, options and inputs. The tests
 * and the offline policy runner both use it.
 */

/** One resource the program declared, as the engine would have received it. */
export interface DeclaredResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  /** URN of the parent resource ("" for children of the stack). */
  readonly parent: string;
  readonly custom: boolean;
  readonly protect: boolean;
  /** Reference (`urn::id`) of the resource's explicit provider, "" when it has none. */
  readonly provider: string;
  readonly inputs: Record<string, any>;
  /** Dotted paths of inputs sent as secrets, e.g. `kubeconfig`. */
  readonly secretInputs: readonly string[];
}

export interface StackRun {
  readonly resources: readonly DeclaredResource[];
  /** Stack outputs, resolved. */
  readonly outputs: Record<string, unknown>;
  /** Names of stack outputs that are secrets. */
  readonly secretOutputs: readonly string[];
}

const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_MARKER = "1b47061264138c4ac30d75fd1eb44270";

/** Loads `stacks/index.ts` afresh; how depends on the caller (vitest resets its module graph). */
export type ProgramLoader = () => Promise<Record<string, unknown>>;

/** Renders the program for `Pulumi.<stack>.yaml`, with `overrides` replacing whole config keys. */
export function renderStackFile(
  load: ProgramLoader,
  stack: string,
  overrides: Record<string, unknown> = {},
): Promise<StackRun> {
  return renderProgram(load, stack, { ...readStackFile(stack), ...overrides });
}

/** Renders the program with the given config (keys as in a stack file, e.g. `ai-platform:cloud`). */
export async function renderProgram(
  load: ProgramLoader,
  stack: string,
  config: Record<string, unknown>,
): Promise<StackRun> {
  const unexpectedInvokes: string[] = [];
  await pulumi.runtime.setMocks(
    platformMocks((token) => unexpectedInvokes.push(token)),
    "ai-platform",
    stack,
    false,
  );
  pulumi.runtime.setAllConfig(toPulumiConfig(config));
  const recorder = recordRegistrations();

  let program: Record<string, unknown>;
  try {
    program = await load();
  } catch (error) {
    await recorder.settled();
    throw new ProgramFailed(error, recorder.resources);
  }
  const outputs: Record<string, unknown> = {};
  const secretOutputs: string[] = [];
  for (const [name, value] of Object.entries(program)) {
    if (!pulumi.Output.isInstance(value)) {
      outputs[name] = value;
      continue;
    }
    outputs[name] = await resolve(value);
    if (await pulumi.isSecret(value)) secretOutputs.push(name);
  }
  await recorder.settled();
  if (unexpectedInvokes.length > 0)
    throw new Error(`program made unmocked invokes: ${unexpectedInvokes.join(", ")}`);
  return { resources: recorder.resources, outputs, secretOutputs };
}

/** The program threw; `declared` is what it had registered by then. */
export class ProgramFailed extends Error {
  constructor(
    override readonly cause: unknown,
    readonly declared: readonly DeclaredResource[],
  ) {
    super(`program failed after declaring ${declared.length} resource(s): ${String(cause)}`);
  }
}

function resolve<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((done) => output.apply((value) => done(value)));
}

/** Wraps the mock monitor so every registration is recorded with what MockResourceArgs leaves out. */
function recordRegistrations() {
  const monitor = pulumi.runtime.getMonitor() as any;
  const original = monitor.registerResource.bind(monitor);
  const resources: DeclaredResource[] = [];
  let pending = 0;
  monitor.registerResource = (req: any, callback: (err: unknown, res: any) => void) => {
    pending++;
    const raw = req.getObject()?.toJavaScript() ?? {};
    return original(req, (err: unknown, res: any) => {
      pending--;
      if (!err) {
        resources.push({
          type: req.getType(),
          name: req.getName(),
          urn: res.getUrn(),
          parent: req.getParent(),
          custom: req.getCustom(),
          protect: req.getProtect() === true,
          provider: req.getProvider(),
          inputs: unwrapSecrets(raw),
          secretInputs: secretPaths(raw, ""),
        });
      }
      callback(err, res);
    });
  };
  return {
    resources,
    /**
     * Resolves once no registration has been in flight for several turns of the event loop; throws if
     * some resource never even started registering (a dependency cycle), as `pulumi up` would hang.
     */
    async settled(): Promise<void> {
      for (let quietTurns = 0; quietTurns < 5; ) {
        await new Promise((tick) => setImmediate(tick));
        quietTurns = pending === 0 ? quietTurns + 1 : 0;
      }
      const stuck = [...stuckRegistrations()];
      if (stuck.length > 0)
        throw new Error(`registrations that never complete (a dependency cycle?): ${stuck.join(", ")}`);
    },
  };
}

/** Resources the runtime still waits to register, from its own bookkeeping (what it reports at exit). */
function* stuckRegistrations(): Iterable<string> {
  const store = (
    require("@pulumi/pulumi/runtime/state") as {
      getStore(): {
        pendingResourceRegistrations?: Map<unknown, { name?: string; type?: string; label?: string }>;
      };
    }
  ).getStore();
  for (const registration of store.pendingResourceRegistrations?.values() ?? []) {
    yield registration.name ? `${registration.type} ${registration.name}` : String(registration.label);
  }
}

function isSecretValue(value: unknown): value is { value: unknown } {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>)[SECRET_SIG] === SECRET_MARKER
  );
}

function unwrapSecrets(value: unknown): any {
  if (isSecretValue(value)) return unwrapSecrets(value.value);
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, unwrapSecrets(inner)]));
  }
  return value;
}

function secretPaths(value: unknown, path: string): string[] {
  if (isSecretValue(value)) return [path];
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => secretPaths(inner, path ? `${path}.${key}` : key));
}
