/** Sessions in this process's memory (the default without Redis): lost on restart, not shared. */
import { randomUUID } from "node:crypto";
import type { Session, SessionStore } from "./session";

interface Entry<T> {
  readonly value: T;
  readonly expiresAtMs: number;
}

export class MemorySessionStore implements SessionStore {
  readonly kind = "memory" as const;
  private readonly sessions = new Map<string, Entry<string>>();
  private readonly locks = new Map<string, Entry<string>>();
  private readonly runs = new Map<string, Entry<{ user: string; sessionId: string }>>();

  constructor(
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  async get(user: string, id: string): Promise<Session | undefined> {
    const entry = this.live(this.sessions, key(user, id));
    // Stored as JSON so callers never share objects with the store, as with Redis.
    return entry ? (JSON.parse(entry) as Session) : undefined;
  }

  async save(session: Session): Promise<void> {
    this.sweep();
    this.sessions.set(key(session.user, session.id), {
      value: JSON.stringify(session),
      expiresAtMs: this.now() + this.ttlSeconds * 1000,
    });
  }

  async lock(user: string, id: string, ttlMs: number) {
    const lockKey = key(user, id);
    if (this.live(this.locks, lockKey)) return undefined;
    const token = randomUUID();
    this.locks.set(lockKey, { value: token, expiresAtMs: this.now() + ttlMs });
    return async () => {
      if (this.locks.get(lockKey)?.value === token) this.locks.delete(lockKey);
    };
  }

  async rememberRun(runId: string, user: string, sessionId: string): Promise<void> {
    this.runs.set(runId, { value: { user, sessionId }, expiresAtMs: this.now() + this.ttlSeconds * 1000 });
  }

  async findRun(runId: string) {
    return this.live(this.runs, runId);
  }

  async ping(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {}

  private live<T>(map: Map<string, Entry<T>>, mapKey: string): T | undefined {
    const entry = map.get(mapKey);
    if (!entry) return undefined;
    if (entry.expiresAtMs <= this.now()) {
      map.delete(mapKey);
      return undefined;
    }
    return entry.value;
  }

  /** Drops expired sessions now and then, so memory follows the live sessions. */
  private sweep(): void {
    if (this.sessions.size % 1000 !== 0) return;
    for (const map of [this.sessions, this.runs, this.locks] as Map<string, Entry<unknown>>[])
      for (const [mapKey, entry] of map) if (entry.expiresAtMs <= this.now()) map.delete(mapKey);
  }
}

const key = (user: string, id: string) => `${user}\u0000${id}`;
