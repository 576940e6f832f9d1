/** The ledger row and metrics for one finished call. */
import { randomUUID } from "node:crypto";
import type { GatewayContext } from "../app/gateway-context";
import type { Deployment } from "../config/gateway-config";
import type { Caller } from "./caller";

export interface FinishedCall {
  readonly caller: Caller;
  readonly operation: string;
  readonly group: string;
  readonly deployment?: Deployment;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly costUsd: number;
  readonly status: number;
  readonly startedMs: number;
  readonly cacheHit: boolean;
  /** The end user the client named (OpenAI's `user`), when the key has none. */
  readonly user?: string;
}

export function recordSpend(context: GatewayContext, call: FinishedCall): void {
  const labels = { model: call.group, deployment: call.deployment, operation: call.operation };
  context.metrics.call(
    labels,
    (Date.now() - call.startedMs) / 1000,
    call.status >= 400 ? String(call.status) : undefined,
  );
  context.metrics.usage(call.operation, call.group, call.promptTokens, call.completionTokens, call.costUsd);
  context.spend.record({
    requestId: randomUUID(),
    createdAt: new Date(),
    keyId: call.caller.key?.id,
    teamId: call.caller.team?.id ?? call.caller.key?.teamId,
    userId: call.caller.key?.userId ?? call.user,
    modelGroup: call.group,
    deploymentId: call.deployment?.id,
    provider: call.deployment?.provider,
    operation: call.operation,
    promptTokens: call.promptTokens,
    completionTokens: call.completionTokens,
    costUsd: call.costUsd,
    status: call.status,
    durationMs: Date.now() - call.startedMs,
    cacheHit: call.cacheHit,
  });
}
