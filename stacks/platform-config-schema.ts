import { z } from "zod";
import { MILVUS_KAFKA_TOPICS } from "../components/vector/milvus-wal";

/** The `platform` section: services deployed on the cluster, whatever the cloud. */

const hostname = z
  .string()
  .regex(
    /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
    "must be a DNS name such as ai.example.com",
  );

const imageRef = z
  .string()
  .regex(/^[^\s:@]+(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/, "must be an image reference")
  .refine((image) => /(:[\w][\w.-]*|@sha256:[a-f0-9]{64})$/.test(image) && !image.endsWith(":latest"), {
    message: "must be pinned by a version tag or digest (not :latest)",
  });
const sqlName = z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a lowercase SQL identifier");

export const TLS_ISSUERS = ["letsencrypt", "letsencrypt-staging", "self-signed"] as const;

export const platformSchema = z
  .strictObject({
    /** Public hostnames are `<service>.<domain>`, e.g. llm.ai.example.com. */
    domain: hostname,
    tls: z.strictObject({
      issuer: z.enum(TLS_ISSUERS),
      /** Contact for Let's Encrypt expiry notices; required with the Let's Encrypt issuers. */
      acmeEmail: z.email("must be an e-mail address").optional(),
    }),
    ingress: z.strictObject({
      /** GatewayClass the shared Gateway uses; another implementation's class when installEnvoyGateway is false. */
      gatewayClassName: z
        .string()
        .regex(/^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$/, "must be a Kubernetes name"),
      /** Install Envoy Gateway and its GatewayClass; false to use the cloud's or an existing implementation. */
      installEnvoyGateway: z.boolean(),
      /** Envoy Gateway controller replicas. */
      controllerReplicas: z.number().int().min(1).max(5),
      /** Envoy proxy replicas of the shared Gateway (with installEnvoyGateway). */
      proxyReplicas: z.number().int().min(1).max(10),
      /** cert-manager controller replicas. */
      certManagerReplicas: z.number().int().min(1).max(5),
    }),
    identity: z.strictObject({
      /** Keycloak replicas; above 1 they cluster, with a PDB and a zone spread. */
      keycloakReplicas: z.number().int().min(1).max(9),
    }),
    secrets: z.strictObject({
      /** `standalone`: one Vault server; `ha`: three with Raft, a PDB and a zone spread. */
      vaultMode: z.enum(["standalone", "ha"]),
      vaultStorageGi: z.number().int().min(1).max(1024),
      vaultAuditStorageGi: z.number().int().min(1).max(1024),
      externalSecretsReplicas: z.number().int().min(1).max(5),
    }),
    observability: z.strictObject({
      prometheusRetention: z.string().regex(/^\d+[hdwy]$/, "must look like 2d or 15d"),
      prometheusStorageGi: z.number().int().min(1).max(16384),
      /** Prometheus and Alertmanager replicas. */
      replicas: z.number().int().min(1).max(5),
      logs: z.strictObject({
        mode: z.enum(["single-binary", "simple-scalable"]),
        retentionHours: z.number().int().min(1),
      }),
    }),
    vector: z.strictObject({
      mode: z.enum(["standalone", "cluster"]),
      storageGi: z.number().int().min(1).max(16384),
      /** Milvus's write-ahead log: in object storage (embedded Woodpecker) or on the platform's Kafka. */
      messageQueue: z.enum(["woodpecker", "kafka"]),
    }),
    data: z.strictObject({
      objectStorage: z.strictObject({
        /** `minio` in the cluster, or `cloud`: S3 on AWS, OSS on Alibaba Cloud (the production choice). */
        provider: z.enum(["minio", "cloud"]),
        /** MinIO server image, pinned; MinIO publishes no community images any more, so mirror or build it. */
        minioImage: imageRef,
        /** MinIO client (`mc`) image used to create buckets, pinned. */
        minioClientImage: imageRef,
        mode: z.enum(["standalone", "distributed"]),
        storageGi: z.number().int().min(1).max(16384),
      }),
      postgres: z.strictObject({
        instances: z
          .number()
          .int()
          .min(1)
          .max(9)
          .refine((n) => n !== 2, "must be 1, or 3 or more"),
        storageGi: z.number().int().min(1).max(16384),
        /** Databases for application teams, beside the platform's own (keycloak, llm_gateway). */
        appDatabases: z.array(z.strictObject({ name: sqlName, owner: sqlName })),
      }),
      redis: z.strictObject({
        /** `standalone`, or replication watched by Sentinel for failover. */
        mode: z.enum(["standalone", "sentinel"]),
        storageGi: z.number().int().min(1).max(1024),
      }),
      kafka: z.strictObject({
        /** Combined controller+broker nodes: 1, or 3 and more. */
        nodes: z
          .number()
          .int()
          .min(1)
          .max(9)
          .refine((n) => n !== 2, "must be 1, or 3 or more"),
        storageGi: z.number().int().min(1).max(16384),
        topics: z.array(
          z.strictObject({
            name: z.string().regex(/^[a-zA-Z0-9._-]{1,249}$/, "must be a Kafka topic name"),
            partitions: z.number().int().min(1).max(1000).optional(),
            retentionHours: z.number().int().min(1).optional(),
          }),
        ),
      }),
    }),
  })
  .superRefine((platform, ctx) => {
    if (platform.tls.issuer !== "self-signed" && platform.tls.acmeEmail === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["tls", "acmeEmail"],
        message: `is required with the ${platform.tls.issuer} issuer`,
      });
    }
    if (platform.vector.messageQueue !== "kafka") return;
    const milvusTopics = new Set(MILVUS_KAFKA_TOPICS.map((topic) => topic.name));
    for (const [index, topic] of platform.data.kafka.topics.entries()) {
      if (milvusTopics.has(topic.name))
        ctx.addIssue({
          code: "custom",
          path: ["data", "kafka", "topics", index, "name"],
          message: `"${topic.name}" is one of Milvus's WAL topics (vector.messageQueue kafka); name yours otherwise`,
        });
    }
  });

export type PlatformServicesConfig = z.output<typeof platformSchema>;
