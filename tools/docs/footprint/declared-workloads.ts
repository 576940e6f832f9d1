import type { DeclaredResource } from "../../../policies/offline/render-stack";
import type { ExtractContext } from "./context";
import type { Json } from "./json";
import { declaredWorkloadLabel } from "./labels";
import { podResources } from "./pod-resources";
import { parseBytes } from "./quantities";
import { fixedReplicas, type ReplicaRange, type Workload, type WorkloadKind } from "./workload";

/** Deployments, StatefulSets, DaemonSets, Jobs and PersistentVolumeClaims the stack declares directly. */

interface ObjectInputs {
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
  readonly spec?: Record<string, Json>;
}

function identity(resource: DeclaredResource) {
  const { metadata } = resource.inputs as ObjectInputs;
  return { name: metadata?.name ?? resource.name, namespace: metadata?.namespace ?? "default" };
}

function claimBytes(
  claim: { spec?: { resources?: { requests?: { storage?: unknown } } } },
  where: string,
): number {
  const storage = claim.spec?.resources?.requests?.storage;
  if (storage === undefined) throw new Error(`${where}: a volume claim without resources.requests.storage`);
  return parseBytes(storage, where);
}

function replicasOf(
  kind: WorkloadKind,
  spec: Record<string, Json>,
  scaled: ReplicaRange | undefined,
  where: string,
): ReplicaRange {
  if (kind === "DaemonSet") {
    if (scaled) throw new Error(`${where}: a scaler targets a DaemonSet`);
    return fixedReplicas(1);
  }
  if (kind === "Job") return fixedReplicas(spec.parallelism ?? 1);
  return scaled ?? fixedReplicas(spec.replicas ?? 1);
}

function podWorkload(kind: WorkloadKind) {
  return (resource: DeclaredResource, context: ExtractContext): Workload[] => {
    const { name, namespace } = identity(resource);
    const where = `${kind} ${namespace}/${name}`;
    const spec = (resource.inputs as ObjectInputs).spec ?? {};
    const template = spec.template?.spec;
    if (!template) throw new Error(`${where}: no pod template`);
    const claims: Json[] = kind === "StatefulSet" ? (spec.volumeClaimTemplates ?? []) : [];
    return [
      {
        label: declaredWorkloadLabel(context.componentOf(resource)?.type, name, kind),
        namespace,
        kind,
        replicas: replicasOf(kind, spec, context.scalingOf(namespace, kind, name), where),
        pod: podResources(template, where),
        storagePerPod: claims.reduce(
          (sum, claim) => sum + claimBytes(claim, `${where} volumeClaimTemplate ${claim.metadata?.name}`),
          0,
        ),
        sharedStorage: 0,
        defaults: [],
      },
    ];
  };
}

/** A claim outside any StatefulSet: counted once, in the row of the component that declares it. */
function persistentVolumeClaim(resource: DeclaredResource, context: ExtractContext): Workload[] {
  const { name, namespace } = identity(resource);
  const component = context.componentOf(resource);
  return [
    {
      label: declaredWorkloadLabel(component?.type, component?.name ?? name, "Deployment"),
      namespace,
      kind: "Deployment",
      replicas: fixedReplicas(0),
      pod: podResources({}, name),
      storagePerPod: 0,
      sharedStorage: claimBytes(resource.inputs, `PersistentVolumeClaim ${namespace}/${name}`),
      defaults: [],
    },
  ];
}

export const DECLARED_WORKLOADS = {
  "kubernetes:apps/v1:Deployment": podWorkload("Deployment"),
  "kubernetes:apps/v1:StatefulSet": podWorkload("StatefulSet"),
  "kubernetes:apps/v1:DaemonSet": podWorkload("DaemonSet"),
  "kubernetes:batch/v1:Job": podWorkload("Job"),
  "kubernetes:core/v1:PersistentVolumeClaim": persistentVolumeClaim,
};
