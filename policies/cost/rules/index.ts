import type { Rule } from "../../lib/rule";
import { monthlyCostBudget } from "./budget";
import { costAllocationTags } from "./cost-tags";
import { gpuPoolRules } from "./gpu-pools";
import { storageCaps } from "./storage";

/** Every rule of the cost pack, in the order reports list them. */
export const costRules: readonly Rule[] = [
  ...gpuPoolRules,
  costAllocationTags,
  monthlyCostBudget,
  storageCaps,
];
