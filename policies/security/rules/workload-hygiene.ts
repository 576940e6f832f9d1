import { unpinnedReason } from "../../lib/images";
import { containersOf, forEachPod } from "../../lib/kubernetes";
import type { ResourceRule } from "../../lib/rule";

export const requestsAndLimits: ResourceRule = {
  kind: "resource",
  name: "k8s-requests-and-limits",
  description: "Every container declares CPU and memory requests and a memory limit.",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediationSteps: "Set resources.requests.cpu, resources.requests.memory and resources.limits.memory.",
  validate: (resource) =>
    forEachPod(resource, (spec, ref) =>
      containersOf(spec).flatMap(({ label, container }) => {
        const missing = [
          container.resources?.requests?.cpu === undefined ? "requests.cpu" : undefined,
          container.resources?.requests?.memory === undefined ? "requests.memory" : undefined,
          container.resources?.limits?.memory === undefined ? "limits.memory" : undefined,
        ].filter((field) => field !== undefined);
        return missing.length > 0 ? [`${ref}: ${label} has no ${missing.join(", ")}`] : [];
      }),
    ),
};

export const pinnedImages: ResourceRule<{ requireDigestFor: string[] }> = {
  kind: "resource",
  name: "k8s-pinned-images",
  description:
    "No :latest or untagged images; our own service images pinned by digest where configured (prod).",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Use an explicit version tag, and for the platform's own images the digest the image build produced.",
  configSchema: {
    properties: {
      requireDigestFor: {
        type: "array",
        items: { type: "string" },
        default: [],
        description:
          "Image name fragments that must be pinned by digest, e.g. the platform's own registry path.",
      },
    },
  },
  validate: (resource, { requireDigestFor }) =>
    forEachPod(resource, (spec, ref) =>
      containersOf(spec).flatMap(({ label, container }) => {
        const image = container.image ?? "";
        const reason = unpinnedReason(
          image,
          requireDigestFor.some((fragment) => image.includes(fragment)),
        );
        return reason ? [`${ref}: ${label}: ${reason}`] : [];
      }),
    ),
};

const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL|ACCESS_?KEY)/i;
const SECRET_VALUE = [
  /^sk-[A-Za-z0-9_-]{16,}/,
  /AKIA[0-9A-Z]{16}/,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /^eyJ[A-Za-z0-9_-]{10,}\./,
];

export const secretsByReference: ResourceRule = {
  kind: "resource",
  name: "k8s-secrets-by-reference",
  description: "Secrets reach containers through secretKeyRef/envFrom, never as literal env values.",
  severity: "critical",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Put the value in a Kubernetes Secret (or External Secret) and use env[].valueFrom.secretKeyRef.",
  validate: (resource) =>
    forEachPod(resource, (spec, ref) =>
      containersOf(spec).flatMap(({ label, container }) =>
        (container.env ?? [])
          .filter((variable) => typeof variable.value === "string" && variable.value !== "")
          .filter(
            (variable) =>
              SECRET_NAME.test(variable.name) || SECRET_VALUE.some((p) => p.test(variable.value ?? "")),
          )
          // Name the variable, never its value.
          .map((variable) => `${ref}: ${label} sets ${variable.name} as a literal value`),
      ),
    ),
};

export const chartImageTags: ResourceRule = {
  kind: "resource",
  name: "helm-values-pinned-images",
  description: "Images set in Helm chart values are not :latest.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps: "Set a version tag (or leave the tag empty to use the chart's pinned appVersion).",
  validate: (resource) => {
    if (!resource.type.startsWith("kubernetes:helm.sh/")) return [];
    const chart = resource.props.chart ?? resource.name;
    return imageTagsIn(resource.props.values ?? {}, "values")
      .filter(({ tag }) => tag === "latest")
      .map(({ path }) => `chart ${chart}: ${path} uses the mutable :latest tag`);
  },
};

/** `image.tag` fields and `image: repo:tag` strings anywhere in chart values. */
function imageTagsIn(value: unknown, path: string): { path: string; tag: string | undefined }[] {
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => {
    const here = `${path}.${key}`;
    if (key === "tag" && typeof inner === "string") return [{ path: here, tag: inner }];
    if (key === "image" && typeof inner === "string") {
      return [
        {
          path: here,
          tag: inner.includes("@") ? undefined : (inner.split("/").pop()?.split(":")[1] ?? "latest"),
        },
      ];
    }
    return imageTagsIn(inner, here);
  });
}

export const workloadHygieneRules = [requestsAndLimits, pinnedImages, secretsByReference, chartImageTags];
