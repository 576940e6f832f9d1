/** Virtual keys and teams: what a caller may use and how much. Keys are stored only as hashes. */
import { createHash, randomBytes } from "node:crypto";

export interface Limits {
  /** Model groups allowed; empty or undefined = every model. */
  readonly models?: readonly string[];
  readonly rpm?: number;
  readonly tpm?: number;
  readonly maxBudgetUsd?: number;
  /** `30d`, `1h`, `1mo`...; undefined = the budget never resets. */
  readonly budgetDuration?: string;
}

export interface Team extends Limits {
  readonly id: string;
  readonly alias?: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly createdAt: string;
}

export interface VirtualKey extends Limits {
  readonly id: string;
  readonly hash: string;
  /** The first characters of the key, to recognise it in listings. */
  readonly displayPrefix: string;
  readonly alias?: string;
  readonly teamId?: string;
  readonly userId?: string;
  readonly expiresAt?: string;
  readonly revokedAt?: string;
  /** Cache responses for this key unless a request says otherwise. */
  readonly cache?: boolean;
  readonly metadata: Readonly<Record<string, string>>;
  readonly createdAt: string;
}

const KEY_PREFIX = "sk-gw-";
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** 32 random base62 characters (~190 bits); a fast hash is enough for keys of that entropy. */
export function generateKeySecret(): string {
  const bytes = randomBytes(32);
  let body = "";
  for (const byte of bytes) body += BASE62[byte % 62];
  return `${KEY_PREFIX}${body}`;
}

export const hashKey = (secret: string) => createHash("sha256").update(secret).digest("hex");

export const newId = (kind: "key" | "team") => `${kind}_${randomBytes(9).toString("base64url")}`;

export function modelAllowed(limits: Limits | undefined, group: string): boolean {
  return !limits?.models || limits.models.length === 0 || limits.models.includes(group);
}

export function isUsable(key: VirtualKey, nowMs: number): "ok" | "revoked" | "expired" {
  if (key.revokedAt) return "revoked";
  if (key.expiresAt && Date.parse(key.expiresAt) <= nowMs) return "expired";
  return "ok";
}
