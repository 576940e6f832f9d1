import type { Rule } from "../../lib/rule";
import { alicloudRules } from "./alicloud";
import { awsRules } from "./aws";
import { networkRules } from "./network";
import { podSecurityRules } from "./pod-security";
import { pulumiRules } from "./pulumi";
import { workloadHygieneRules } from "./workload-hygiene";

/** Every rule of the security pack, in the order reports list them. */
export const securityRules: readonly Rule[] = [
  ...podSecurityRules,
  ...workloadHygieneRules,
  ...networkRules,
  ...alicloudRules,
  ...awsRules,
  ...pulumiRules,
];
