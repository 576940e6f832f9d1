import type { ResourceRule } from "../../lib/rule";
import { isTaggable, REQUIRED_COST_TAGS } from "../../lib/taggable";

export const costAllocationTags: ResourceRule<{ requiredTags: string[] }> = {
  kind: "resource",
  name: "cost-allocation-tags",
  description: "Every taggable cloud resource carries the cost-allocation tags (team, env, cost-center).",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps: "Pass the stack's tags to the component (every component takes `tags`).",
  configSchema: {
    properties: { requiredTags: { type: "array", items: { type: "string" }, default: REQUIRED_COST_TAGS } },
  },
  validate: (resource, { requiredTags }) => {
    if (!isTaggable(resource.type)) return [];
    const tags: Record<string, unknown> = resource.props.tags ?? {};
    const missing = requiredTags.filter((tag) => !tags[tag]);
    return missing.length > 0 ? [`${resource.type} ${resource.name} lacks tag(s) ${missing.join(", ")}`] : [];
  },
};
