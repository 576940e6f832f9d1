import type { ResourceView } from "../../policies/lib/rule";

let counter = 0;

/** A resource as the engine would hand it to a policy (the shape pulumi-policy-aws's test helpers build). */
export function resource(
  type: string,
  props: Record<string, unknown>,
  options: { name?: string; protect?: boolean; secretPaths?: string[]; region?: string } = {},
): ResourceView {
  const name = options.name ?? `r${++counter}`;
  return {
    type,
    name,
    urn: `urn:pulumi:test::ai-platform::${type}::${name}`,
    props,
    protect: options.protect ?? false,
    secretPaths: options.secretPaths ?? [],
    providerProps: options.region ? { region: options.region } : undefined,
  };
}

const SAFE_CONTAINER = {
  name: "app",
  image:
    "registry.example.com/ai-platform/gateway:1.2.3@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
  securityContext: {
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
  },
  resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
  env: [{ name: "API_KEY", valueFrom: { secretKeyRef: { name: "gateway", key: "api-key" } } }],
};

/** A Deployment that passes every pod rule; `change` edits the container or the pod spec to break one. */
export function deployment(
  change: { container?: Record<string, unknown>; pod?: Record<string, unknown> } = {},
): ResourceView {
  return resource("kubernetes:apps/v1:Deployment", {
    metadata: { name: "gateway", namespace: "ai" },
    spec: {
      template: {
        spec: { containers: [{ ...SAFE_CONTAINER, ...change.container }], ...change.pod },
      },
    },
  });
}

export function withSecurityContext(patch: Record<string, unknown>): ResourceView {
  return deployment({ container: { securityContext: { ...SAFE_CONTAINER.securityContext, ...patch } } });
}
