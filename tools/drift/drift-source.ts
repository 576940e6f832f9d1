import { type EngineEvent, LocalWorkspace } from "@pulumi/pulumi/automation";

/** Where engine events come from: the Automation API in production, recorded sequences in tests. */
export interface DriftSource {
  /** Runs a refresh-preview of `stack`, passing every engine event to `onEvent`. */
  previewRefresh(stack: string, onEvent: (event: EngineEvent) => void): Promise<void>;
}

/** The real source: `pulumi preview --refresh` on this project through the Automation API (needs the CLI). */
export function automationDriftSource(workDir: string): DriftSource {
  return {
    async previewRefresh(stackName, onEvent) {
      const stack = await LocalWorkspace.selectStack({ stackName, workDir });
      await stack.preview({ refresh: true, diff: true, onEvent });
    },
  };
}
