/**
 * Servers under test run in child processes, so each one's RSS and CPU are its own. A child reports
 * ready over IPC once it listens on loopback (child-ready.ts); the parent stops it with SIGTERM.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import type { HeapReport, HeapRequest, ReadyMessage } from "./child-ready";

export const REPOSITORY_ROOT = resolve(__dirname, "..");
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;
const STDERR_KEPT = 4096;
const HEAP_TIMEOUT_MS = 10_000;

export interface RunningChild {
  readonly name: string;
  readonly url: string;
  readonly pid: number;
  /** Heap in use after a full GC (children that call answerHeapRequests, started with --expose-gc). */
  heapAfterGc(): Promise<number>;
  stop(): Promise<void>;
}

export interface ChildOptions {
  /** The whole environment of the child (nothing is inherited implicitly). */
  readonly env: NodeJS.ProcessEnv;
  readonly nodeArgs?: readonly string[];
  readonly args?: readonly string[];
}

/** Starts a compiled JavaScript `script` (see compile-children.ts) with this Node.js binary. */
export function startChild(name: string, script: string, options: ChildOptions): Promise<RunningChild> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script, ...(options.args ?? [])], {
    cwd: REPOSITORY_ROOT,
    env: options.env,
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
  running.add(child);
  child.once("exit", () => running.delete(child));
  let stderr = "";
  child.stderr?.on("data", (data: Buffer) => {
    stderr = (stderr + data.toString("utf8")).slice(-STDERR_KEPT);
  });
  return new Promise((resolvePromise, reject) => {
    let ready = false;
    const fail = (reason: string) => {
      clearTimeout(timer);
      if (ready) {
        // Measurements go on (and count its errors); say why they will.
        if (!stopping.has(child)) process.stderr.write(`${name} ${reason}${stderr ? `\n${stderr}` : ""}\n`);
        return;
      }
      child.kill("SIGKILL");
      reject(new Error(`${name} did not start: ${reason}${stderr ? `\n${stderr}` : ""}`));
    };
    const timer = setTimeout(() => fail(`no ready message within ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS);
    child.once("exit", (code, signal) => fail(`exited (code ${code}, signal ${signal})`));
    child.on("error", (error) => fail(error.message));
    child.on("message", (message: Partial<ReadyMessage>) => {
      if (ready || message.type !== "ready" || typeof message.url !== "string") return;
      ready = true;
      clearTimeout(timer);
      resolvePromise({
        name,
        url: message.url,
        pid: child.pid as number,
        heapAfterGc: () => askHeap(child, name),
        stop: () => stopChild(child),
      });
    });
  });
}

const stopping = new WeakSet<ChildProcess>();
const running = new Set<ChildProcess>();
// If the bench itself dies, take the servers with it (kill is synchronous, fit for an exit handler).
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

function askHeap(child: ChildProcess, name: string): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.off("message", onMessage);
      reject(new Error(`${name} did not report its heap within ${HEAP_TIMEOUT_MS} ms`));
    }, HEAP_TIMEOUT_MS);
    const onMessage = (message: Partial<HeapReport>) => {
      if (message.type !== "heap") return;
      clearTimeout(timer);
      child.off("message", onMessage);
      resolvePromise(message.usedAfterGcBytes ?? Number.NaN);
    };
    child.on("message", onMessage);
    child.send({ type: "heap" } satisfies HeapRequest);
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolvePromise) => {
    const kill = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
    child.once("exit", () => {
      clearTimeout(kill);
      resolvePromise();
    });
    stopping.add(child);
    child.kill("SIGTERM");
  });
}

/** The parent's environment without settings that would change what a child under test runs on. */
export function cleanEnvironment(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ["REDIS_URL", "DATABASE_URL", "GATEWAY_MASTER_KEY", "GATEWAY_CONFIG", "NODE_OPTIONS"])
    delete env[name];
  return env;
}
