import type { Rule } from "../../lib/rule";
import { monthlyCostBudget } from "./budget";
import { costAllocationTags } from "./cost-tags";
import { gpuPoolRules } from "./gpu-pools";
import { inferenceGpuRules } from "./inference-gpu-fit";
import { storageCaps } from "./storage";

/** Every rule of the cost pack, in the order reports list them. */
export const costRules: readonly Rule[] = [
  ...gpuPoolRules,
  ...inferenceGpuRules,
  costAllocationTags,
  monthlyCostBudget,
  storageCaps,
];
