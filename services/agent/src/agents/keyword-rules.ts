/**
 * Routing without a model: the profile whose keywords occur most often in the request. Words match
 * whole (case-insensitive); keywords in scripts without spaces (Chinese, Japanese) match as substrings.
 */
import type { Profile } from "../config/profile-schema";

export function keywordRoute(input: string, profiles: Iterable<Profile>): string | undefined {
  const text = input.toLowerCase();
  let best: { name: string; score: number } | undefined;
  for (const profile of profiles) {
    const score = profile.keywords.reduce(
      (sum, keyword) => sum + occurrences(text, keyword.toLowerCase()),
      0,
    );
    if (score > 0 && (!best || score > best.score)) best = { name: profile.name, score };
  }
  return best?.name;
}

function occurrences(text: string, keyword: string): number {
  if (/^[\p{L}\p{N}\s'-]+$/u.test(keyword) && /[a-z0-9]/.test(keyword)) {
    const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(keyword)}(?![\\p{L}\\p{N}])`, "gu");
    return text.match(pattern)?.length ?? 0;
  }
  return text.split(keyword).length - 1;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
