/**
 * Entry point of the ai-platform Pulumi program (`main` in Pulumi.yaml). Config is read and
 * validated here once, before any resource is declared; the modules beside this file do the rest.
 */
import { readPlatformConfig } from "./config";
import { platformOutputs } from "./outputs";
import { buildClusterPlatform } from "./platform";

const config = readPlatformConfig();
const platform = buildClusterPlatform(config);
const outputs = platformOutputs(config, platform);

export const {
  contractVersion,
  environment,
  cloud,
  region,
  clusterName,
  clusterId,
  kubeconfig,
  vpcId,
  nodePools,
  apiServerAclAttachCommand,
} = outputs;
