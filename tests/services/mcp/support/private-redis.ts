import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../../harness/test-servers";

/**
 * A redis-server of this test file's own, on a fixed loopback port, that the test can stop, start again and
 * pause: outages must not touch the Redis every other test file shares.
 */
export interface PrivateRedis {
  readonly url: string;
  readonly port: number;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** `CLIENT PAUSE`: the server holds every command for `ms` (a hung Redis, not a dead one). */
  pause(ms: number): void;
  cli(...args: string[]): string;
  /** Stops the server and removes its directory. */
  close(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const directory = mkdtempSync(join(tmpdir(), "mcp-redis-"));
  let child: ChildProcess | undefined;
  const cli = (...args: string[]) =>
    execFileSync("redis-cli", ["-p", String(port), ...args], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  const answers = () => {
    try {
      return cli("ping") === "PONG";
    } catch {
      return false;
    }
  };
  const redis: PrivateRedis = {
    url: `redis://127.0.0.1:${port}`,
    port,
    async start() {
      if (child) return;
      child = spawn(
        "redis-server",
        [
          "--port",
          String(port),
          "--bind",
          "127.0.0.1",
          "--save",
          "",
          "--appendonly",
          "no",
          "--dir",
          directory,
        ],
        { stdio: "ignore" },
      );
      const deadline = Date.now() + 10_000;
      while (!answers()) {
        if (Date.now() > deadline) throw new Error(`redis-server did not start on port ${port}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async stop() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null) return;
      await new Promise((resolve) => {
        running.once("exit", resolve);
        running.kill("SIGKILL");
      });
    },
    pause(ms) {
      cli("client", "pause", String(ms), "ALL");
    },
    cli,
    async close() {
      await redis.stop();
      rmSync(directory, { recursive: true, force: true });
    },
  };
  await redis.start();
  return redis;
}
