/** Who is calling: the master key (operator), a virtual key (with its team), or anyone when auth is off. */
import { timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { KeyStore } from "../auth/key-store";
import { hashKey, isUsable, modelAllowed, type Team, type VirtualKey } from "../auth/virtual-keys";
import { forbidden, notFound, unauthorized } from "../http/errors";

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
  masterKey: string | undefined,
  nowMs: number,
): Promise<Caller> {
  // No master key configured: the gateway is open (local development only; the README says so).
  if (!masterKey) return { kind: "open" };
  const secret = presentedSecret(headers);
  if (!secret) throw unauthorized("No API key provided. Send it as 'Authorization: Bearer <key>'.");
  if (isMasterKey(secret, masterKey)) return { kind: "master" };
  const key = await keys.findKey(hashKey(secret));
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
