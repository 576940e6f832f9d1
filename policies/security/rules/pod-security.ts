import { containersOf, forEachPod, type PodSpec } from "../../lib/kubernetes";
import type { ResourceRule } from "../../lib/rule";

/** The Pod Security "restricted" controls, checked on every workload the stack declares. */

const perContainer = (
  spec: PodSpec,
  ref: string,
  problem: (securityContext: Record<string, any>, podContext: Record<string, any>) => string | undefined,
): string[] =>
  containersOf(spec).flatMap(({ label, container }) => {
    const found = problem(container.securityContext ?? {}, spec.securityContext ?? {});
    return found ? [`${ref}: ${label} ${found}`] : [];
  });

export const noPrivilegedContainers: ResourceRule = {
  kind: "resource",
  name: "k8s-no-privileged-containers",
  description: "Containers must not run privileged.",
  severity: "critical",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Remove securityContext.privileged or set it to false; grant a specific capability instead.",
  validate: (resource) =>
    forEachPod(resource, (spec, ref) =>
      perContainer(spec, ref, (sc) => (sc.privileged === true ? "is privileged" : undefined)),
    ),
};

export const noPrivilegeEscalation: ResourceRule = {
  kind: "resource",
  name: "k8s-no-privilege-escalation",
  description: "Containers must set allowPrivilegeEscalation: false.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps: "Set securityContext.allowPrivilegeEscalation: false on every container.",
  validate: (resource) =>
    forEachPod(resource, (spec, ref) =>
      perContainer(spec, ref, (sc) =>
        sc.allowPrivilegeEscalation === false ? undefined : "does not set allowPrivilegeEscalation: false",
      ),
    ),
};

export const noHostNamespacesOrPaths: ResourceRule = {
  kind: "resource",
  name: "k8s-no-host-access",
  description: "Pods must not use hostNetwork, hostPID, hostIPC or hostPath volumes.",
  severity: "critical",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Drop hostNetwork/hostPID/hostIPC and replace hostPath volumes with PVCs, ConfigMaps or emptyDir.",
  validate: (resource) =>
    forEachPod(resource, (spec, ref) => [
      ...(["hostNetwork", "hostPID", "hostIPC"] as const)
        .filter((field) => spec[field] === true)
        .map((field) => `${ref}: sets ${field}`),
      ...(spec.volumes ?? [])
        .filter((volume: { hostPath?: unknown }) => volume.hostPath !== undefined)
        .map((volume: { name: string }) => `${ref}: volume "${volume.name}" is a hostPath`),
    ]),
};

export const runAsNonRoot: ResourceRule = {
  kind: "resource",
  name: "k8s-run-as-non-root",
  description: "Containers must run as a non-root user (runAsNonRoot: true on the pod or container).",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set securityContext.runAsNonRoot: true (and a non-zero runAsUser if the image has no USER).",
  validate: (resource) =>
    forEachPod(resource, (spec, ref) =>
      perContainer(spec, ref, (sc, pod) => {
        if (sc.runAsUser === 0 || (sc.runAsUser === undefined && pod.runAsUser === 0)) return "runs as uid 0";
        return (sc.runAsNonRoot ?? pod.runAsNonRoot) === true
          ? undefined
          : "may run as root (runAsNonRoot is not true)";
      }),
    ),
};

export const dropAllCapabilities: ResourceRule = {
  kind: "resource",
  name: "k8s-drop-all-capabilities",
  description: "Containers must drop ALL Linux capabilities and add back at most NET_BIND_SERVICE.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    'Set securityContext.capabilities: { drop: ["ALL"] }; add only NET_BIND_SERVICE if needed.',
  validate: (resource) =>
    forEachPod(resource, (spec, ref) =>
      perContainer(spec, ref, (sc) => {
        const drop: string[] = sc.capabilities?.drop ?? [];
        const extra = (sc.capabilities?.add ?? []).filter((cap: string) => cap !== "NET_BIND_SERVICE");
        if (!drop.includes("ALL")) return "does not drop ALL capabilities";
        return extra.length > 0 ? `adds capabilities ${extra.join(", ")}` : undefined;
      }),
    ),
};

export const readOnlyRootFilesystem: ResourceRule<{ ownImagePrefixes: string[] }> = {
  kind: "resource",
  name: "k8s-read-only-root-filesystem",
  description: "Our own services run with a read-only root filesystem.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the app writes.",
  configSchema: {
    properties: {
      ownImagePrefixes: {
        type: "array",
        items: { type: "string" },
        default: ["ai-platform/"],
        description: "Image name fragments that identify the platform's own service images.",
      },
    },
  },
  validate: (resource, { ownImagePrefixes }) =>
    forEachPod(resource, (spec, ref) =>
      containersOf(spec)
        .filter(({ container }) =>
          ownImagePrefixes.some((prefix) => (container.image ?? "").includes(prefix)),
        )
        .filter(({ container }) => container.securityContext?.readOnlyRootFilesystem !== true)
        .map(({ label }) => `${ref}: ${label} has a writable root filesystem`),
    ),
};

export const podSecurityRules = [
  noPrivilegedContainers,
  noPrivilegeEscalation,
  noHostNamespacesOrPaths,
  runAsNonRoot,
  dropAllCapabilities,
  readOnlyRootFilesystem,
];
