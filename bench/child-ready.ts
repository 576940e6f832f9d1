/**
 * The child side of the bench's process protocol: a server under test reports `{ type: "ready", url }`
 * over IPC once it listens on loopback. Children run as compiled JavaScript outside the repository;
 * the parent tells them where the repository is.
 */

export interface ReadyMessage {
  readonly type: "ready";
  readonly url: string;
}

/** Asked by the parent; answered with the heap in use right after a full GC. */
export interface HeapRequest {
  readonly type: "heap";
}

export interface HeapReport {
  readonly type: "heap";
  /** Bytes of V8 heap in use after a full GC; null if the child was started without --expose-gc. */
  readonly usedAfterGcBytes: number | null;
}

export const REPOSITORY_ROOT_VARIABLE = "BENCH_REPOSITORY_ROOT";

export function reportReady(url: string): void {
  if (!process.send) throw new Error("not started as a bench child (no IPC channel)");
  exitWithParent();
  process.send({ type: "ready", url } satisfies ReadyMessage);
}

/** A child whose parent died (the IPC channel closes) must not keep serving on its own. */
export function exitWithParent(): void {
  process.once("disconnect", () => process.exit(0));
}

/**
 * Lets the parent tell a leak (heap still growing after a full GC) from memory the allocator and GC
 * simply keep (RSS up, live heap flat).
 */
export function answerHeapRequests(): void {
  process.on("message", (message: Partial<HeapRequest>) => {
    if (message.type !== "heap") return;
    const collect = (globalThis as { gc?: () => void }).gc;
    collect?.();
    const usedAfterGcBytes = collect ? process.memoryUsage().heapUsed : null;
    process.send?.({ type: "heap", usedAfterGcBytes } satisfies HeapReport);
  });
}

export function repositoryRoot(): string {
  const root = process.env[REPOSITORY_ROOT_VARIABLE];
  if (!root) throw new Error(`${REPOSITORY_ROOT_VARIABLE} is not set (start this through gateway-bench.ts)`);
  return root;
}
