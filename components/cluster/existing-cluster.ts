import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export interface ExistingClusterArgs {
  /**
   * Path to a kubeconfig file. Default: the Kubernetes provider's own lookup (`$KUBECONFIG`, then
   * `~/.kube/config`).
   */
  readonly kubeconfigPath?: string;
  /** Context in that kubeconfig. Default: its current context. */
  readonly context?: string;
}

/** A cluster someone else runs (kind, k3d, minikube, a shared cluster): only a Kubernetes provider for it. */
export class ExistingCluster extends pulumi.ComponentResource {
  public readonly provider: kubernetes.Provider;
  /** The context the provider uses, or `"(current-context)"` when none was named. */
  public readonly context: string;

  constructor(name: string, args: ExistingClusterArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("ai-platform:cluster:ExistingCluster", name, {}, opts);
    // The provider reads the file itself: its contents never enter the program, outputs or state.
    this.provider = new kubernetes.Provider(
      `${name}-k8s`,
      { kubeconfig: args.kubeconfigPath, context: args.context },
      { parent: this },
    );
    this.context = args.context ?? "(current-context)";
    this.registerOutputs({ context: this.context });
  }
}
