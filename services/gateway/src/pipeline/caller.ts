/** Who is calling: the master key (operator), a virtual key (with its team), or anyone when auth is off. */
import { timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import type { GatewayContext } from "../app/gateway-context";
import type { KeyStore } from "../auth/key-store";
import { hashKey, isUsable, modelAllowed, type Team, type VirtualKey } from "../auth/virtual-keys";
import type { Deployment, GatewayConfig } from "../config/gateway-config";
import type { ModelMode } from "../config/litellm-schema";
import { forbidden, invalidRequest, notFound, unauthorized } from "../http/errors";

export interface Caller {
  readonly kind: "master" | "key" | "open";
  readonly key?: VirtualKey;
  readonly team?: Team;
}

/** The bearer token of `Authorization`, or `x-api-key` / `api-key` as some SDKs send it. */
export function presentedSecret(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  if (authorization) {
    const match = /^Bearer\s+(.+)$/i.exec(authorization);
    return match?.[1]?.trim();
  }
  const header = headers["x-api-key"] ?? headers["api-key"];
  return Array.isArray(header) ? header[0] : header;
}

export function isMasterKey(secret: string, masterKey: string | undefined): boolean {
  if (!masterKey) return false;
  return timingSafeEqual(Buffer.from(hashKey(secret), "hex"), Buffer.from(hashKey(masterKey), "hex"));
}

export async function authenticate(
  headers: IncomingHttpHeaders,
  keys: KeyStore,
  config: Pick<GatewayConfig, "masterKey" | "serviceKeys">,
  nowMs: number,
): Promise<Caller> {
  const { masterKey } = config;
  // No master key configured: the gateway is open (local development only; the README says so).
  if (!masterKey) return { kind: "open" };
  const secret = presentedSecret(headers);
  if (!secret) throw unauthorized("No API key provided. Send it as 'Authorization: Bearer <key>'.");
  if (isMasterKey(secret, masterKey)) return { kind: "master" };
  const hash = hashKey(secret);
  const key = config.serviceKeys.get(hash) ?? (await keys.findKey(hash));
  if (!key) throw unauthorized("Invalid API key.");
  const usable = isUsable(key, nowMs);
  if (usable !== "ok") throw unauthorized(`API key is ${usable}.`);
  const team = key.teamId ? await keys.findTeam(key.teamId) : undefined;
  return { kind: "key", key, team };
}

export function mayUse(caller: Caller, group: string): boolean {
  return modelAllowed(caller.key, group) && modelAllowed(caller.team, group);
}

/** 404 for a model the gateway does not serve, 403 for one this caller may not use. */
export function authorizeModel(caller: Caller, group: string, exists: boolean): void {
  if (!exists) throw notFound(`The model '${group}' does not exist.`);
  if (!mayUse(caller, group)) throw forbidden(`This API key is not allowed to use the model '${group}'.`);
}

/** The caller of a request, with the config in force now. */
export function callerOf(
  context: GatewayContext,
  request: IncomingMessage,
  startedMs: number,
): Promise<Caller> {
  return authenticate(request.headers, context.keys, context.runtime.config, startedMs);
}

/** The group's deployments that serve `modes`; 404/403 as for any model, 400 if none serves this operation. */
export function servingDeployments(
  context: GatewayContext,
  caller: Caller,
  group: string,
  modes: readonly ModelMode[],
  operation: string,
): Deployment[] {
  const deployments = context.runtime.router.deploymentsOf(group);
  authorizeModel(caller, group, deployments !== undefined);
  const serving = (deployments ?? []).filter((deployment) => modes.includes(deployment.mode));
  if (serving.length === 0) {
    throw invalidRequest(
      `The model '${group}' does not serve ${operation} requests.`,
      "model",
      "unsupported_operation",
    );
  }
  return serving;
}
