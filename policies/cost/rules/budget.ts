import type { StackRule } from "../../lib/rule";
import { estimateMonthlyCost, formatEstimate, type PriceTable } from "./estimate";

export const monthlyCostBudget: StackRule<{ monthlyBudget: number; prices?: PriceTable }> = {
  kind: "stack",
  name: "monthly-cost-budget",
  description:
    "The stack's estimated monthly cost (node pools at their idle size plus fixed items) stays within budget.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Shrink pools (minSize, instance types, spot), or raise monthlyBudget in the environment's cost policy config.",
  configSchema: {
    properties: {
      monthlyBudget: { type: "number", default: 1000, description: "Budget in the price table's currency." },
      prices: {
        type: "object",
        description: "A price table replacing the shipped prices.json (same shape).",
      },
    },
  },
  validate: (resources, { monthlyBudget, prices }) => {
    const estimate = estimateMonthlyCost(resources, prices);
    const problems: string[] = [];
    if (estimate.monthly > monthlyBudget) {
      problems.push(
        `estimated ${estimate.currency} ${estimate.monthly.toFixed(2)}/month exceeds the budget of ${monthlyBudget}:\n${formatEstimate(estimate)}`,
      );
    }
    if (estimate.unpriced.length > 0) {
      problems.push(
        `no price for ${estimate.unpriced.join(", ")}: add it to the price table so the estimate is complete`,
      );
    }
    return problems;
  },
};
