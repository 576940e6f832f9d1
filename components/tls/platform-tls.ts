import * as kubernetes from "@pulumi/kubernetes";
import * as certmanager from "@pulumi/kubernetes-cert-manager";
import * as pulumi from "@pulumi/pulumi";
import { allowIngress } from "../baseline/network-policy";
import { PINNED_CHARTS } from "../charts/pinned-charts";
import { prometheusMonitor } from "../common/monitoring";
import { HTTP_LISTENER, type PublicService, tlsSecretName } from "../ingress/hostnames";

export type TlsIssuer = "letsencrypt" | "letsencrypt-staging" | "self-signed";

export interface PlatformTlsArgs {
  /** Namespace for cert-manager itself. No default. */
  readonly namespace: string;
  /** Which issuer signs the platform's certificates. Default `"self-signed"`. */
  readonly issuer?: TlsIssuer;
  /** Contact for Let's Encrypt; required with the Let's Encrypt issuers. */
  readonly acmeEmail?: string;
  /** The Gateway answering ACME HTTP-01 challenges on its plain-HTTP listener. */
  readonly gateway: { readonly name: string; readonly namespace: string };
  /** Hostname per public service; a Certificate each, in the Gateway's namespace. */
  readonly hostnames: Readonly<Record<PublicService, string>>;
  /** cert-manager controller replicas. Default `1`. */
  readonly replicas?: number;
  /** Namespace of the Prometheus that scrapes the controller (certificate expiry, ACME calls). Default: no monitor. */
  readonly metricsNamespace?: string;
}

/** The controller's pods and the metrics port its chart names `http-metrics`. */
const CONTROLLER_PODS = {
  "app.kubernetes.io/name": "cert-manager",
  "app.kubernetes.io/component": "controller",
};
const METRICS_PORT = 9402;

const ACME_SERVERS = {
  letsencrypt: "https://acme-v02.api.letsencrypt.org/directory",
  "letsencrypt-staging": "https://acme-staging-v02.api.letsencrypt.org/directory",
} as const;

const RESOURCES = { requests: { cpu: "20m", memory: "64Mi" }, limits: { memory: "256Mi" } };

/**
 * cert-manager (through @pulumi/kubernetes-cert-manager, Gateway API support on), the ClusterIssuer
 * the environment uses, and a certificate per public hostname. Let's Encrypt solves HTTP-01 through
 * the shared Gateway; `self-signed` (local) issues from a CA the stack creates.
 */
export class PlatformTls extends pulumi.ComponentResource {
  public readonly issuerName: string;

  constructor(name: string, args: PlatformTlsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ai-platform:tls:PlatformTls", name, {}, opts);
    const issuer = args.issuer ?? "self-signed";
    if (issuer !== "self-signed" && !args.acmeEmail)
      throw new Error(`${name}: acmeEmail is required with ${issuer}`);
    const pinned = PINNED_CHARTS.certManager;

    const manager = new certmanager.CertManager(
      `${name}-cert-manager`,
      {
        installCRDs: true,
        replicaCount: args.replicas ?? 1,
        extraArgs: ["--enable-gateway-api"],
        resources: RESOURCES,
        webhook: { resources: RESOURCES },
        cainjector: { resources: RESOURCES },
        helmOptions: {
          namespace: args.namespace,
          version: pinned.version,
          repositoryOpts: { repo: pinned.repo },
        },
      },
      { parent: this },
    );
    const afterManager = { parent: this, dependsOn: [manager] };
    if (args.metricsNamespace) {
      prometheusMonitor(
        "PodMonitor",
        `${name}-cert-manager`,
        args.namespace,
        CONTROLLER_PODS,
        [{ port: "http-metrics" }],
        afterManager,
      );
      allowIngress(
        `${name}-cert-manager-metrics`,
        {
          namespace: args.namespace,
          podLabels: CONTROLLER_PODS,
          peers: [{ namespace: args.metricsNamespace }],
          ports: [METRICS_PORT],
        },
        { parent: this },
      );
    }
    const clusterIssuer = (
      resourceName: string,
      issuerName: string,
      spec: Record<string, unknown>,
      dependsOn: pulumi.Resource[] = [],
    ) =>
      new kubernetes.apiextensions.CustomResource(
        resourceName,
        { apiVersion: "cert-manager.io/v1", kind: "ClusterIssuer", metadata: { name: issuerName }, spec },
        { parent: this, dependsOn: [manager, ...dependsOn] },
      );

    if (issuer === "self-signed") {
      const root = clusterIssuer(`${name}-selfsigned`, "selfsigned", { selfSigned: {} });
      const ca = new kubernetes.apiextensions.CustomResource(
        `${name}-ca`,
        {
          apiVersion: "cert-manager.io/v1",
          kind: "Certificate",
          metadata: { name: "platform-ca", namespace: args.namespace },
          spec: {
            isCA: true,
            commonName: "ai-platform local CA",
            secretName: "platform-ca",
            privateKey: { algorithm: "ECDSA", size: 256 },
            issuerRef: { name: "selfsigned", kind: "ClusterIssuer", group: "cert-manager.io" },
          },
        },
        { ...afterManager, dependsOn: [manager, root] },
      );
      this.issuerName = "platform-ca";
      clusterIssuer(`${name}-issuer`, this.issuerName, { ca: { secretName: "platform-ca" } }, [ca]);
    } else {
      this.issuerName = issuer;
      clusterIssuer(`${name}-issuer`, issuer, {
        acme: {
          server: ACME_SERVERS[issuer],
          email: args.acmeEmail,
          privateKeySecretRef: { name: `${issuer}-account` },
          solvers: [
            {
              http01: {
                gatewayHTTPRoute: {
                  parentRefs: [
                    {
                      name: args.gateway.name,
                      namespace: args.gateway.namespace,
                      kind: "Gateway",
                      sectionName: HTTP_LISTENER,
                    },
                  ],
                },
              },
            },
          ],
        },
      });
    }

    for (const [service, hostname] of Object.entries(args.hostnames) as [PublicService, string][]) {
      new kubernetes.apiextensions.CustomResource(
        `${name}-${service}`,
        {
          apiVersion: "cert-manager.io/v1",
          kind: "Certificate",
          metadata: { name: tlsSecretName(service), namespace: args.gateway.namespace },
          spec: {
            secretName: tlsSecretName(service),
            dnsNames: [hostname],
            privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
            issuerRef: { name: this.issuerName, kind: "ClusterIssuer", group: "cert-manager.io" },
          },
        },
        afterManager,
      );
    }
    this.registerOutputs({ issuerName: this.issuerName });
  }
}
