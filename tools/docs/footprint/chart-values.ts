import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { REPO_ROOT } from "../../../policies/offline/stack-files";

/** Pinned charts' own values.yaml files, kept beside the repository (see its README). */
export const CHART_REFERENCE_ROOT = join(REPO_ROOT, "..", "shared", "k8s-reference", "charts");

export function readChartDefaults(chart: string): Record<string, unknown> {
  return (parse(readFileSync(join(CHART_REFERENCE_ROOT, chart, "values.yaml"), "utf8")) ?? {}) as Record<
    string,
    unknown
  >;
}

type Values = Record<string, unknown>;

function isMap(value: unknown): value is Values {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Helm's coalescing: maps merge key by key, a null override deletes the default, anything else replaces it. */
export function mergeValues(defaults: unknown, overrides: unknown): unknown {
  if (overrides === undefined) return defaults;
  if (!isMap(defaults) || !isMap(overrides)) return overrides;
  const merged: Values = { ...defaults };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === null) delete merged[key];
    else merged[key] = mergeValues(defaults[key], value);
  }
  return merged;
}

function lookup(values: unknown, path: string): unknown {
  let current = values;
  for (const key of path.split(".")) {
    if (!isMap(current)) return undefined;
    current = current[key];
  }
  return current;
}

/** Leaves of `merged` under `path` that `code` does not set, as `path = value`. */
function defaultLeaves(merged: unknown, code: unknown, path: string): string[] {
  if (code !== undefined && !(isMap(merged) && isMap(code))) return [];
  if (isMap(merged)) {
    return Object.entries(merged).flatMap(([key, value]) =>
      defaultLeaves(value, isMap(code) ? code[key] : undefined, `${path}.${key}`),
    );
  }
  return merged === undefined
    ? []
    : [`${path} = ${typeof merged === "string" ? merged : JSON.stringify(merged)}`];
}

/**
 * A chart's effective values (its defaults under what the code sets), read by the footprint tables. Figures
 * read through `figure` record which of their leaves came from the defaults, for the document's notes.
 */
export class ChartValues {
  private readonly merged: unknown;

  constructor(
    readonly chart: string,
    defaults: Values,
    private readonly code: Values,
  ) {
    this.merged = mergeValues(defaults, code);
  }

  /** The effective value at a dotted path, e.g. `prometheus.prometheusSpec.replicas`. */
  value(path: string): unknown {
    return lookup(this.merged, path);
  }

  /** A switch; Helm templates treat a missing key as off. */
  enabled(path: string): boolean {
    const value = this.value(path);
    if (value === undefined || value === null) return false;
    if (typeof value !== "boolean")
      throw new Error(`chart ${this.chart}: ${path} is ${JSON.stringify(value)}, expected true or false`);
    return value;
  }

  /** A value the document's figures use; leaves the code leaves to the chart are added to `notes`. */
  figure(path: string, notes: string[]): unknown {
    const merged = this.value(path);
    notes.push(...defaultLeaves(merged, lookup(this.code, path), path));
    return merged;
  }

  /** A replica count or other whole number the figures use. */
  count(path: string, notes: string[]): number {
    const value = this.figure(path, notes);
    if (!Number.isInteger(value) || (value as number) < 0)
      throw new Error(`chart ${this.chart}: ${path} is ${JSON.stringify(value)}, expected a whole number`);
    return value as number;
  }
}
