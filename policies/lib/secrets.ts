import { Secret } from "@pulumi/policy";

/**
 * Dotted paths of the props the engine marked secret. The policy SDK unwraps secrets behind proxies;
 * underneath them secret values are still `Secret` instances.
 */
export function secretPathsOf(props: Record<string, unknown>): string[] {
  let raw: any = props;
  while (raw?.__isSpecialProxy === true) raw = raw.__getSpecialProxyTarget;
  return walk(raw, "");
}

function walk(value: unknown, path: string): string[] {
  if (value instanceof Secret) return [path];
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => walk(inner, path ? `${path}.${key}` : key));
}
