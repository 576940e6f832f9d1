import { describe, expect, it } from "vitest";
import { envoyProxySpec } from "../../components/ingress/envoy-proxy";
import { checkKubernetesObject } from "../harness/k8s-schemas";
import { byName, ofType } from "../harness/queries";
import { runStackFile } from "../harness/run-stack";

const NAMESPACE = "kubernetes:core/v1:Namespace";
const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const GATEWAY = "kubernetes:gateway.networking.k8s.io/v1:Gateway";
const CLUSTER_ISSUER = "kubernetes:cert-manager.io/v1:ClusterIssuer";
const CERTIFICATE = "kubernetes:cert-manager.io/v1:Certificate";
const CHART = "kubernetes:helm.sh/v4:Chart";
const POD_MONITOR = "kubernetes:monitoring.coreos.com/v1:PodMonitor";
const ENVOY_PROXY = "kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy";
const GATEWAY_CLASS = "kubernetes:gateway.networking.k8s.io/v1:GatewayClass";

describe("namespaces", () => {
  it("enforce Pod Security restricted and deny all traffic by default", async () => {
    const run = await runStackFile("prod");
    const namespaces = ofType(run, NAMESPACE);
    expect(namespaces.map((ns) => ns.inputs.metadata.name).sort()).toEqual([
      "ai",
      "cert-manager",
      "data",
      "identity",
      "ingress",
      "observability",
      "observability-agents",
      "secrets",
    ]);
    for (const ns of namespaces) {
      const privileged = ns.inputs.metadata.name === "observability-agents";
      expect(ns.inputs.metadata.labels).toMatchObject({
        "pod-security.kubernetes.io/enforce": privileged ? "privileged" : "restricted",
        "cost-center": "rd-ai-prod",
      });
      if (privileged)
        expect(ns.inputs.metadata.annotations["ai-platform/pod-security-reason"]).toMatch(/hostPath/);
      const denies = ofType(run, NETWORK_POLICY).filter(
        (policy) =>
          policy.inputs.metadata.namespace === ns.inputs.metadata.name &&
          policy.inputs.metadata.name === "default-deny",
      );
      expect(denies.map((policy) => policy.inputs.spec)).toEqual([
        { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
      ]);
    }
  });
});

describe("ingress", () => {
  it("serves every public hostname over HTTPS on one Gateway of the configured class", async () => {
    const run = await runStackFile("prod");
    const [gateway] = ofType(run, GATEWAY);
    expect(gateway?.inputs.spec.gatewayClassName).toBe("envoy-gateway");
    const https = gateway?.inputs.spec.listeners.filter((l: { protocol: string }) => l.protocol === "HTTPS");
    expect(https.map((l: { hostname: string }) => l.hostname).sort()).toEqual(
      ["agent", "auth", "grafana", "llm", "mcp"].map((service) => `${service}.ai.example.com`),
    );
    expect(run.outputs.publicHostnames).toMatchObject({
      llm: "llm.ai.example.com",
      auth: "auth.ai.example.com",
    });
  });

  it("runs Envoy Gateway highly available in prod and single in dev", async () => {
    const prod = byName(await runStackFile("prod"), CHART, "envoy-gateway-chart").inputs.values;
    expect(prod.deployment.replicas).toBe(2);
    expect(prod.podDisruptionBudget).toEqual({ minAvailable: 1 });
    expect(prod.deployment.pod.topologySpreadConstraints[0].topologyKey).toBe("topology.kubernetes.io/zone");
    const dev = byName(await runStackFile("dev"), CHART, "envoy-gateway-chart").inputs.values;
    expect(dev.deployment.replicas).toBe(1);
    expect(dev.podDisruptionBudget).toEqual({ minAvailable: 0 });
  });

  it("sizes the Envoy proxies through the class's EnvoyProxy: limits always, HA in prod", async () => {
    for (const [stack, replicas] of [
      ["prod", 2],
      ["dev", 1],
    ] as const) {
      const run = await runStackFile(stack);
      const params = byName(run, ENVOY_PROXY, "envoy-gateway-proxy").inputs;
      const gatewayClass = byName(run, GATEWAY_CLASS, "envoy-gateway-class").inputs;
      expect(gatewayClass.spec.parametersRef).toEqual({
        group: "gateway.envoyproxy.io",
        kind: "EnvoyProxy",
        name: params.metadata.name,
        namespace: params.metadata.namespace,
      });
      const kubernetes = params.spec.provider.kubernetes;
      const deployment = kubernetes.envoyDeployment;
      expect(deployment.replicas, stack).toBe(replicas);
      expect(deployment.container.resources.limits.memory).toBeDefined();
      const [shutdownManager] = deployment.patch.value.spec.template.spec.containers;
      expect(shutdownManager).toMatchObject({
        name: "shutdown-manager",
        resources: { limits: { memory: "64Mi" } },
      });
      expect(kubernetes.envoyPDB, stack).toEqual(replicas > 1 ? { minAvailable: 1 } : undefined);
      const spreadKeys = deployment.pod.topologySpreadConstraints.map(
        (c: { topologyKey: string }) => c.topologyKey,
      );
      if (replicas > 1) expect(spreadKeys).toContain("topology.kubernetes.io/zone");
      else expect(spreadKeys).toEqual([]);
    }
  });

  it("checks the EnvoyProxy's envelope and embedded core types, its CRD being absent from the reference data", async () => {
    const valid = { spec: envoyProxySpec(2) };
    expect(await checkKubernetesObject(ENVOY_PROXY, valid)).toEqual({
      validatedBy: "embedded-core-types",
      errors: [],
    });
    const typo = structuredClone(valid) as any;
    typo.spec.provider.kubernetes.envoyDeployment.replica = 2;
    expect((await checkKubernetesObject(ENVOY_PROXY, typo)).errors).toEqual([
      "/envoyDeployment/replica is not a field the platform checks",
    ]);
    const badSpread = structuredClone(valid) as any;
    badSpread.spec.provider.kubernetes.envoyDeployment.pod.topologySpreadConstraints[0].maxSkew = "one";
    expect((await checkKubernetesObject(ENVOY_PROXY, badSpread)).errors.join()).toContain("maxSkew");
  });

  it("leaves the GatewayClass to another implementation when asked", async () => {
    const run = await runStackFile("prod-aws", {
      "ai-platform:platform": {
        domain: "ai.example.com",
        tls: { acmeEmail: "ops@example.com" },
        ingress: { installEnvoyGateway: false, gatewayClassName: "amazon-vpc-lattice" },
      },
    });
    expect(ofType(run, CHART).map((chart) => chart.name)).not.toContain("envoy-gateway-chart");
    expect(ofType(run, GATEWAY)[0]?.inputs.spec.gatewayClassName).toBe("amazon-vpc-lattice");
  });
});

describe("ingress and TLS metrics", () => {
  it("scrape the Envoy Gateway controller, its proxies and cert-manager, each allowed in from Prometheus only", async () => {
    const run = await runStackFile("prod");
    const monitor = (name: string) => byName(run, POD_MONITOR, `${name}-pod-monitor`).inputs;
    expect(monitor("envoy-gateway-controller").spec).toMatchObject({
      selector: { matchLabels: { "app.kubernetes.io/name": "gateway-helm" } },
      podMetricsEndpoints: [{ portNumber: 19001, path: "/metrics" }],
    });
    expect(monitor("envoy-gateway-proxies").spec).toMatchObject({
      selector: { matchLabels: { "app.kubernetes.io/managed-by": "envoy-gateway" } },
      podMetricsEndpoints: [{ portNumber: 19001, path: "/stats/prometheus" }],
    });
    expect(monitor("tls-cert-manager")).toMatchObject({
      metadata: { namespace: "cert-manager", labels: { release: "kube-prometheus-stack" } },
      spec: { podMetricsEndpoints: [{ port: "http-metrics" }] },
    });
    for (const [name, port] of [
      ["envoy-gateway-controller-metrics", 19001],
      ["envoy-gateway-proxies-metrics", 19001],
      ["tls-cert-manager-metrics", 9402],
    ] as const) {
      const spec = byName(run, NETWORK_POLICY, name).inputs.spec;
      expect(spec.ingress, name).toEqual([
        {
          from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "observability" } } }],
          ports: [{ protocol: "TCP", port }],
        },
      ]);
    }
  });
});

describe("TLS", () => {
  it("issues from Let's Encrypt through the Gateway's HTTP listener in dev and prod", async () => {
    const run = await runStackFile("dev");
    const [issuer] = ofType(run, CLUSTER_ISSUER);
    expect(issuer?.inputs.spec.acme).toMatchObject({
      server: "https://acme-v02.api.letsencrypt.org/directory",
      email: "platform-team@example.com",
      solvers: [
        {
          http01: {
            gatewayHTTPRoute: {
              parentRefs: [{ name: "platform", namespace: "ingress", kind: "Gateway", sectionName: "http" }],
            },
          },
        },
      ],
    });
    const certificates = ofType(run, CERTIFICATE);
    expect(certificates.map((c) => c.inputs.spec.dnsNames[0]).sort()).toContain("llm.ai-dev.example.com");
    for (const certificate of certificates)
      expect(certificate.inputs.spec.issuerRef.name).toBe("letsencrypt");
  });

  it("issues from a self-signed CA on a local cluster", async () => {
    const run = await runStackFile("local");
    expect(
      ofType(run, CLUSTER_ISSUER)
        .map((issuer) => Object.keys(issuer.inputs.spec)[0])
        .sort(),
    ).toEqual(["ca", "selfSigned"]);
    const hostCerts = ofType(run, CERTIFICATE).filter((c) => c.inputs.spec.isCA !== true);
    expect(hostCerts).toHaveLength(5);
    for (const certificate of hostCerts) expect(certificate.inputs.spec.issuerRef.name).toBe("platform-ca");
    expect(hostCerts.map((c) => c.inputs.spec.dnsNames[0])).toContain("grafana.ai.localhost");
  });
});
