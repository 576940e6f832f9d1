import type { ResourceView } from "./rule";

/** Where each workload kind keeps its pod spec. */
const POD_SPEC_PATHS: Record<string, readonly string[]> = {
  "kubernetes:core/v1:Pod": ["spec"],
  "kubernetes:apps/v1:Deployment": ["spec", "template", "spec"],
  "kubernetes:apps/v1:StatefulSet": ["spec", "template", "spec"],
  "kubernetes:apps/v1:DaemonSet": ["spec", "template", "spec"],
  "kubernetes:apps/v1:ReplicaSet": ["spec", "template", "spec"],
  "kubernetes:batch/v1:Job": ["spec", "template", "spec"],
  "kubernetes:batch/v1:CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
};

export interface Container {
  readonly name?: string;
  readonly image?: string;
  readonly securityContext?: Record<string, any>;
  readonly resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
  readonly env?: { name: string; value?: string; valueFrom?: unknown }[];
}

export type PodSpec = Record<string, any> & {
  containers?: Container[];
  initContainers?: Container[];
  securityContext?: Record<string, any>;
};

export function podSpecOf(resource: ResourceView): PodSpec | undefined {
  const path = POD_SPEC_PATHS[resource.type];
  if (!path) return undefined;
  let value: any = resource.props;
  for (const key of path) value = value?.[key];
  return value ?? undefined;
}

/** Every container of a pod, init containers included, with a label for messages. */
export function containersOf(spec: PodSpec): { label: string; container: Container }[] {
  return [
    ...(spec.initContainers ?? []).map((container) => ({
      label: `init container "${container.name}"`,
      container,
    })),
    ...(spec.containers ?? []).map((container) => ({ label: `container "${container.name}"`, container })),
  ];
}

/** `kind/namespace/name` of a Kubernetes object, for messages. */
export function objectRef(resource: ResourceView): string {
  const kind = resource.type.split(":").pop();
  const metadata = resource.props.metadata ?? {};
  return `${kind} ${metadata.namespace ?? "default"}/${metadata.name ?? resource.name}`;
}

/** Runs `check` on each workload's pod spec; other resources pass. */
export function forEachPod(
  resource: ResourceView,
  check: (spec: PodSpec, ref: string) => string[],
): string[] {
  const spec = podSpecOf(resource);
  return spec ? check(spec, objectRef(resource)) : [];
}
