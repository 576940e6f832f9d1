/** Reading a Dockerfile and its ignore file the way BuildKit does, enough for tests to check them. */
export interface Instruction {
  readonly keyword: string;
  readonly args: string;
}
export interface Stage {
  readonly from: string;
  readonly name?: string;
  readonly instructions: Instruction[];
}

/** Instructions by stage (continuations joined, comments dropped), with global ARGs substituted in FROM. */
export function parseDockerfile(text: string): Stage[] {
  const lines = text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of lines) {
    const [keyword = "", ...rest] = line.split(/\s+/);
    const args = rest.join(" ");
    const upper = keyword.toUpperCase();
    if (upper === "FROM") {
      const [image = "", as, name] = args.split(/\s+/);
      const resolved = image.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a, b) => globalArgs[a ?? b] ?? "");
      stages.push({ from: resolved, ...(as?.toUpperCase() === "AS" ? { name } : {}), instructions: [] });
    } else if (stages.length === 0 && upper === "ARG") {
      const [key = "", value = ""] = args.split("=");
      globalArgs[key] = value;
    } else {
      stages.at(-1)?.instructions.push({ keyword: upper, args });
    }
  }
  return stages;
}

/** Docker's ignore rule: the last pattern matching the path, or one of its parents, decides. */
export function ignored(patterns: readonly string[], path: string): boolean {
  const segment = (text: string) =>
    text
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, "[^/]*")
      .replace(/\?/g, "[^/]");
  const toRegExp = (pattern: string) =>
    new RegExp(`^${pattern.replace(/\/$/, "").split("**/").map(segment).join("(.*/)?")}$`);
  const parts = path.split("/");
  const candidates = parts.map((_, index) => parts.slice(0, index + 1).join("/"));
  let excluded = false;
  for (const line of patterns) {
    const negated = line.startsWith("!");
    const regExp = toRegExp(negated ? line.slice(1) : line);
    if (candidates.some((candidate) => regExp.test(candidate))) excluded = !negated;
  }
  return excluded;
}
