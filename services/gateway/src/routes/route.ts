import type { IncomingMessage, ServerResponse } from "node:http";
import type { GatewayContext } from "../app/gateway-context";

export interface RequestInfo {
  readonly url: URL;
  readonly startedMs: number;
  readonly startedPerf: number;
}

export type RouteHandler = (
  context: GatewayContext,
  request: IncomingMessage,
  response: ServerResponse,
  info: RequestInfo,
) => Promise<void>;

export interface Route {
  readonly method: "GET" | "POST";
  readonly paths: readonly string[];
  /** Label for metrics (bounded cardinality). */
  readonly name: string;
  readonly handler: RouteHandler;
}
