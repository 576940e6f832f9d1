import { vi } from "vitest";
import { renderProgram, renderStackFile, type StackRun } from "../../policies/offline/render-stack";

export type { DeclaredResource, StackRun } from "../../policies/offline/render-stack";
export { ProgramFailed } from "../../policies/offline/render-stack";

/** Vitest caches modules: reset the graph so each render executes the program again. */
async function loadProgram(): Promise<Record<string, unknown>> {
  vi.resetModules();
  return import("../../stacks/index.js");
}

/** Renders `Pulumi.<stack>.yaml` under mocks, with `overrides` replacing whole config keys. */
export function runStackFile(stack: string, overrides: Record<string, unknown> = {}): Promise<StackRun> {
  return renderStackFile(loadProgram, stack, overrides);
}

/** Renders the program with an explicit config (keys as in a stack file). */
export function runProgram(stack: string, config: Record<string, unknown>): Promise<StackRun> {
  return renderProgram(loadProgram, stack, config);
}

/**
 * Runs `declare` under the same mocks and records what it declares: for testing one component on its
 * own, e.g. `renderComponents(() => { new RedisStore("redis", {...}); })`.
 */
export function renderComponents(declare: () => void, stack = "test"): Promise<StackRun> {
  return renderProgram(
    async () => {
      declare();
      return {};
    },
    stack,
    {},
  );
}
