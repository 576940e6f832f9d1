/** Builds the kubeconfig for an EKS cluster: tokens come from `aws eks get-token`, nothing long-lived is stored. */
export interface EksKubeconfigArgs {
  readonly clusterName: string;
  readonly endpoint: string;
  /** Base64 PEM of the cluster CA, as EKS reports it. */
  readonly certificateAuthorityData: string;
  readonly region: string;
}

export function eksKubeconfig(args: EksKubeconfigArgs): string {
  const context = `aws-${args.region}-${args.clusterName}`;
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: context,
        cluster: { server: args.endpoint, "certificate-authority-data": args.certificateAuthorityData },
      },
    ],
    contexts: [{ name: context, context: { cluster: context, user: context } }],
    "current-context": context,
    users: [
      {
        name: context,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "aws",
            args: [
              "eks",
              "get-token",
              "--cluster-name",
              args.clusterName,
              "--region",
              args.region,
              "--output",
              "json",
            ],
            interactiveMode: "Never",
          },
        },
      },
    ],
  });
}
