import type { Policies, PolicyResource, ResourceValidationArgs } from "@pulumi/policy";
import type { ResourceView, Rule } from "./rule";
import { secretPathsOf } from "./secrets";

/** Turns rules into CrossGuard policies; the pack's index.ts hands the result to `new PolicyPack`. */
export function toPolicies(rules: readonly Rule[]): Policies {
  return rules.map((rule) => {
    const metadata = {
      name: rule.name,
      description: rule.description,
      severity: rule.severity,
      remediationSteps: rule.remediationSteps,
      enforcementLevel: rule.enforcementLevel,
      configSchema: rule.configSchema,
    };
    if (rule.kind === "resource") {
      return {
        ...metadata,
        validateResource: (args, reportViolation) => {
          for (const message of rule.validate(fromArgs(args), args.getConfig())) reportViolation(message);
        },
      };
    }
    return {
      ...metadata,
      validateStack: (args, reportViolation) => {
        for (const message of rule.validate(args.resources.map(fromArgs), args.getConfig()))
          reportViolation(message);
      },
    };
  });
}

function fromArgs(args: ResourceValidationArgs | PolicyResource): ResourceView {
  return {
    type: args.type,
    name: args.name,
    urn: args.urn,
    props: args.props,
    protect: args.opts.protect,
    secretPaths: secretPathsOf(args.props),
    providerProps: args.provider?.props,
  };
}
