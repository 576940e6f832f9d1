/**
 * An application team's Pulumi program: it reads the platform's outputs through a StackReference,
 * with types and validation from @ai-platform/platform-outputs, and deploys its own namespace on the
 * platform's cluster. Run it with `pulumi up` in this folder after `npm run build -w @ai-platform/platform-outputs`.
 */

import { platformOutputs } from "@ai-platform/platform-outputs";
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
const platform = platformOutputs(new pulumi.StackReference(config.require("platformStack")));

const cluster = new kubernetes.Provider("platform", { kubeconfig: platform.kubeconfig });
const namespace = new kubernetes.core.v1.Namespace(
  "team-search",
  {
    metadata: {
      name: "team-search",
      labels: { "pod-security.kubernetes.io/enforce": "restricted", env: platform.environment },
    },
  },
  { provider: cluster },
);

export const namespaceName = namespace.metadata.name;
export const gpuPools = platform.nodePools.apply((pools) => pools.gpu);
