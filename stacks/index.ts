/**
 * Entry point of the ai-platform Pulumi program (`main` in Pulumi.yaml). Config is read and
 * validated here once, before any resource is declared; the modules beside this file do the rest.
 */
import { readPlatformConfig } from "./config";
import { platformOutputs } from "./outputs";
import { buildClusterPlatform } from "./platform";
import { buildPlatformServices } from "./platform-services";

const config = readPlatformConfig();
const cluster = buildClusterPlatform(config);
const platformServices = buildPlatformServices(config, cluster);
const outputs = platformOutputs(config, cluster, platformServices);

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
  publicHostnames,
  dataStores,
  services,
} = outputs;
