/** `general_settings.service_keys` → virtual keys held in config, looked up by hash like stored keys. */
import { hashKey, type VirtualKey } from "../auth/virtual-keys";
import type { GatewayFile } from "./litellm-schema";

/** Fixed so limits and spend of a service key keep counting under one id across replicas and reloads. */
export const serviceKeyId = (alias: string) => `svc_${alias}`;

export function serviceKeysFrom(
  file: GatewayFile,
  groups: ReadonlySet<string>,
  problems: string[],
): ReadonlyMap<string, VirtualKey> {
  const byHash = new Map<string, VirtualKey>();
  const aliases = new Set<string>();
  (file.general_settings?.service_keys ?? []).forEach((entry, index) => {
    const path = `general_settings.service_keys.${index}`;
    if (aliases.has(entry.alias)) problems.push(`${path}.alias: "${entry.alias}" is used twice`);
    aliases.add(entry.alias);
    for (const model of entry.models ?? []) {
      if (!groups.has(model)) problems.push(`${path}.models: "${model}" is not a model_name in model_list`);
    }
    const hash = hashKey(entry.key);
    if (byHash.has(hash)) problems.push(`${path}.key: the same key is given to two services`);
    byHash.set(hash, {
      id: serviceKeyId(entry.alias),
      hash,
      displayPrefix: entry.key.slice(0, 6),
      alias: entry.alias,
      models: entry.models,
      rpm: entry.rpm,
      tpm: entry.tpm,
      metadata: { kind: "service" },
      createdAt: new Date(0).toISOString(),
    });
  });
  const master = file.general_settings?.master_key;
  if (master && byHash.has(hashKey(master))) {
    problems.push("general_settings.service_keys: a service key must not equal the master key");
  }
  return byHash;
}
