/**
 * vitest global setup: real Redis and PostgreSQL servers (Debian packages) on loopback, started once
 * per run in throwaway directories. Tests read their URLs with `inject("redisUrl")` /
 * `inject("databaseUrl")` and isolate themselves by key prefix or by a database of their own.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    redisUrl: string;
    databaseUrl: string;
  }
}

const INSTALL_HINT =
  "install the Debian packages with: apt-get install -y redis-server postgresql (.ci/run does)";
const DATABASE_USER = "platform";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject()));
    });
  });
}

function findBinary(name: string, directories: readonly string[]): string {
  for (const directory of directories) {
    const candidate = join(directory, name);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`${name} not found in ${directories.join(", ")}; ${INSTALL_HINT}`);
}

function postgresBinDirectories(): string[] {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  return [...versions.map((version) => join(root, version, "bin")), "/usr/local/bin", "/usr/bin"];
}

/** PostgreSQL refuses to run as root; Debian's package creates a `postgres` user to run it as. */
function serverUser(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"]).toString());
  return { uid: id("-u"), gid: id("-g") };
}

async function waitUntil(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} did not start within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function succeeds(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

async function startRedis(directory: string): Promise<{ url: string; process: ChildProcess }> {
  const server = findBinary("redis-server", ["/usr/bin", "/usr/local/bin"]);
  const port = await freePort();
  const child = spawn(
    server,
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", directory],
    {
      stdio: "ignore",
    },
  );
  const cli = findBinary("redis-cli", ["/usr/bin", "/usr/local/bin"]);
  await waitUntil(() => succeeds(cli, ["-p", String(port), "ping"]), "redis-server");
  return { url: `redis://127.0.0.1:${port}`, process: child };
}

async function startPostgres(directory: string): Promise<{ url: string; process: ChildProcess }> {
  const bin = postgresBinDirectories();
  const dataDirectory = join(directory, "pgdata");
  const user = serverUser();
  if (user.uid !== undefined && user.gid !== undefined) {
    chownSync(directory, user.uid, user.gid);
    chmodSync(directory, 0o700);
  }
  execFileSync(
    findBinary("initdb", bin),
    ["-D", dataDirectory, "--username", DATABASE_USER, "--auth", "trust", "--encoding", "UTF8", "--no-sync"],
    { stdio: "ignore", ...user },
  );
  const port = await freePort();
  const child = spawn(
    findBinary("postgres", bin),
    [
      "-D",
      dataDirectory,
      "-p",
      String(port),
      "-h",
      "127.0.0.1",
      "-k",
      directory,
      "-c",
      "fsync=off",
      "-c",
      "max_connections=200",
    ],
    { stdio: "ignore", ...user },
  );
  const isReady = findBinary("pg_isready", bin);
  await waitUntil(() => succeeds(isReady, ["-h", "127.0.0.1", "-p", String(port)]), "postgres");
  return { url: `postgres://${DATABASE_USER}@127.0.0.1:${port}/postgres`, process: child };
}

let children: ChildProcess[] = [];
let workDirectory = "";

export async function setup(project: TestProject): Promise<void> {
  workDirectory = mkdtempSync(join(tmpdir(), "ai-platform-servers-"));
  const [redis, postgres] = await Promise.all([startRedis(workDirectory), startPostgres(workDirectory)]);
  children = [redis.process, postgres.process];
  project.provide("redisUrl", redis.url);
  project.provide("databaseUrl", postgres.url);
}

export async function teardown(): Promise<void> {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once("exit", () => resolve());
          child.kill("SIGINT");
        }),
    ),
  );
  if (workDirectory) rmSync(workDirectory, { recursive: true, force: true });
}
