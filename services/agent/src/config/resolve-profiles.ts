/** Merges `agents:` over the default profiles and fills every field a profile leaves out. */
import { DEFAULT_PROFILES, PROFILE_DEFAULTS } from "./default-profiles";
import type { Profile, ProfileOverride } from "./profile-schema";

export interface ResolvedProfiles {
  readonly profiles: ReadonlyMap<string, Profile>;
  readonly problems: readonly string[];
}

export function resolveProfiles(
  overrides: Readonly<Record<string, ProfileOverride>>,
  defaultModel: string,
  serverNames: readonly string[],
): ResolvedProfiles {
  const problems: string[] = [];
  const profiles = new Map<string, Profile>();
  const names = new Set([...Object.keys(DEFAULT_PROFILES), ...Object.keys(overrides)]);
  for (const name of names) {
    const merged = {
      ...PROFILE_DEFAULTS,
      ...DEFAULT_PROFILES[name],
      ...dropUndefined(overrides[name] ?? {}),
    };
    if (!merged.description) problems.push(`agents.${name}.description: required for a new profile`);
    if (!merged.instructions) problems.push(`agents.${name}.instructions: required for a new profile`);
    profiles.set(name, {
      ...merged,
      name,
      description: merged.description ?? "",
      instructions: merged.instructions ?? "",
      model: merged.model ?? defaultModel,
      mcpServers: merged.mcpServers ?? serverNames,
    });
  }
  return { profiles, problems };
}

function dropUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}
