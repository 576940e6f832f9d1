import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { allowEgress, allowIngress, type NamespacePeer } from "../baseline/network-policy";
import { RESTRICTED_CONTAINER, RUNTIME_DEFAULT_SECCOMP } from "../common/security-context";
import { zoneSpread } from "../common/topology";

/** The Strimzi Kafka cluster the bridge produces to (its TLS listener, without client authentication). */
export interface BridgedKafka {
  /** Name of the `Kafka` resource; Strimzi labels its broker pods with it. */
  readonly clusterName: string;
  /** `host:port` of the TLS listener, e.g. `"kafka-kafka-bootstrap.data.svc:9093"`. */
  readonly bootstrapServers: string;
  /** Secret in `namespace` with the cluster CA certificate under `ca.crt`. */
  readonly clusterCaSecretName: string;
}

export interface KafkaBridgeArgs {
  /** The Kafka cluster's namespace: the operator watches only it, and the CA Secret is there. No default. */
  readonly namespace: string;
  readonly kafka: BridgedKafka;
  /** Pods that may call the HTTP API, e.g. the MCP server's. At least one; no default. */
  readonly clients: readonly NamespacePeer[];
  /** Bridge pods; above 1 they spread over zones (Strimzi adds the PodDisruptionBudget). Default `1`. */
  readonly replicas?: number;
  /** Serve HTTP consumers too. Default `false`: producing is all the platform's services do. */
  readonly consumer?: boolean;
}

/** The bridge's HTTP port (Strimzi requires 1023 or above); the Service `<name>-bridge-service` exposes it. */
export const BRIDGE_HTTP_PORT = 8080;
const RESOURCES = { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "512Mi" } };

/** Labels Strimzi gives a bridge's pods. */
export const bridgePodLabels = (name: string) => ({
  "strimzi.io/cluster": name,
  "strimzi.io/kind": "KafkaBridge",
  "strimzi.io/name": `${name}-bridge`,
});

/**
 * A Strimzi Kafka Bridge: Kafka's produce API over plain HTTP inside the cluster, for services that keep
 * no Kafka client (the MCP server's audit sink). It reaches the brokers on the TLS listener, trusting
 * the cluster CA; only `clients` may call it, and it may call only the brokers.
 */
export class KafkaBridge extends pulumi.ComponentResource {
  /** `http://<name>-bridge-service.<namespace>.svc.cluster.local:8080`; records go to `POST {url}/topics/{topic}`. */
  public readonly url: string;
  public readonly port = BRIDGE_HTTP_PORT;
  /** The bridge pods' labels, for the clients' egress allows. */
  public readonly podLabels: Readonly<Record<string, string>>;

  constructor(name: string, args: KafkaBridgeArgs, opts?: pulumi.ComponentResourceOptions) {
    const replicas = args.replicas ?? 1;
    const problems = [
      ...(Number.isInteger(replicas) && replicas >= 1
        ? []
        : ["replicas must be a whole number of at least 1"]),
      ...(args.clients.length > 0 ? [] : ["clients must name at least one peer (none would admit everyone)"]),
      ...(/^[^\s,]+:\d+(,[^\s,]+:\d+)*$/.test(args.kafka.bootstrapServers)
        ? []
        : [`kafka.bootstrapServers "${args.kafka.bootstrapServers}" must be host:port[,host:port…]`]),
    ];
    if (problems.length > 0)
      throw new Error(`${name}: invalid arguments (${problems.length}):\n  - ${problems.join("\n  - ")}`);
    super("ai-platform:data:KafkaBridge", name, {}, opts);

    const namespace = args.namespace;
    const pods = bridgePodLabels(name);
    this.podLabels = pods;
    this.url = `http://${name}-bridge-service.${namespace}.svc.cluster.local:${BRIDGE_HTTP_PORT}`;

    new kubernetes.apiextensions.CustomResource(
      `${name}-bridge`,
      {
        // Strimzi 1.x serves only kafka.strimzi.io/v1, where `replicas` is required.
        apiVersion: "kafka.strimzi.io/v1",
        kind: "KafkaBridge",
        metadata: { name, namespace },
        spec: {
          replicas,
          bootstrapServers: args.kafka.bootstrapServers,
          tls: {
            trustedCertificates: [{ secretName: args.kafka.clusterCaSecretName, certificate: "ca.crt" }],
          },
          http: { port: BRIDGE_HTTP_PORT },
          consumer: { enabled: args.consumer ?? false },
          // Audit records must survive a broker failure: every in-sync replica acknowledges.
          producer: { enabled: true, config: { acks: "all" } },
          resources: RESOURCES,
          template: {
            pod: {
              securityContext: { runAsNonRoot: true, seccompProfile: RUNTIME_DEFAULT_SECCOMP },
              ...(replicas > 1 ? { topologySpreadConstraints: zoneSpread(pods) } : {}),
            },
            bridgeContainer: { securityContext: RESTRICTED_CONTAINER },
          },
        },
      },
      { parent: this },
    );

    const policy = { parent: this };
    allowIngress(
      `${name}-bridge-clients`,
      { namespace, podLabels: pods, peers: args.clients, ports: [BRIDGE_HTTP_PORT] },
      policy,
    );
    allowEgress(
      `${name}-bridge-to-kafka`,
      {
        namespace,
        podLabels: pods,
        peers: [
          {
            namespace,
            podLabels: { "strimzi.io/cluster": args.kafka.clusterName, "strimzi.io/kind": "Kafka" },
          },
        ],
        ports: [
          ...new Set(args.kafka.bootstrapServers.split(",").map((server) => Number(server.split(":")[1]))),
        ],
      },
      policy,
    );
    this.registerOutputs({ url: this.url, podLabels: this.podLabels });
  }
}
