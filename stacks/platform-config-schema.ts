import { z } from "zod";

/** The `platform` section: services deployed on the cluster, whatever the cloud. */

const hostname = z
  .string()
  .regex(
    /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
    "must be a DNS name such as ai.example.com",
  );

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
  });

export type PlatformServicesConfig = z.output<typeof platformSchema>;
