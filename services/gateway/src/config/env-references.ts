/** LiteLLM's secret reference syntax: a string value `os.environ/NAME` is read from the environment. */
const REFERENCE = /^os\.environ\/([A-Za-z_][A-Za-z0-9_]*)$/;

export interface MissingVariable {
  readonly path: (string | number)[];
  readonly variable: string;
}

/** A copy of `value` with every reference resolved; references to unset variables are collected, not thrown. */
export function resolveEnvReferences(
  value: unknown,
  env: NodeJS.ProcessEnv,
  missing: MissingVariable[],
  path: (string | number)[] = [],
): unknown {
  if (typeof value === "string") {
    const match = REFERENCE.exec(value);
    if (!match) return value;
    const variable = match[1] as string;
    const resolved = env[variable];
    if (resolved === undefined || resolved === "") missing.push({ path, variable });
    return resolved ?? "";
  }
  if (Array.isArray(value))
    return value.map((item, index) => resolveEnvReferences(item, env, missing, [...path, index]));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        resolveEnvReferences(item, env, missing, [...path, key]),
      ]),
    );
  }
  return value;
}
