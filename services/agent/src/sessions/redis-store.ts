/** Sessions in Redis with a TTL, shared by replicas and kept across restarts. Locks are SET NX PX. */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import type { Session, SessionStore } from "./session";

/** Deletes the lock only if it still holds this run's token (it may have expired and been retaken). */
const UNLOCK = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) end return 0`;

export class RedisSessionStore implements SessionStore {
  readonly kind = "redis" as const;

  private constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlSeconds: number,
  ) {}

  static async connect(url: string, prefix: string, ttlSeconds: number): Promise<RedisSessionStore> {
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
    // A dropped connection must not crash the process; requests fail and /healthz reports it.
    redis.on("error", () => {});
    await redis.connect();
    return new RedisSessionStore(redis, prefix, ttlSeconds);
  }

  async get(user: string, id: string): Promise<Session | undefined> {
    const value = await this.redis.get(this.sessionKey(user, id));
    return value ? (JSON.parse(value) as Session) : undefined;
  }

  async save(session: Session): Promise<void> {
    await this.redis.set(
      this.sessionKey(session.user, session.id),
      JSON.stringify(session),
      "EX",
      this.ttlSeconds,
    );
  }

  async lock(user: string, id: string, ttlMs: number) {
    const lockKey = `${this.sessionKey(user, id)}:lock`;
    const token = randomUUID();
    const taken = await this.redis.set(lockKey, token, "PX", ttlMs, "NX");
    if (taken !== "OK") return undefined;
    return async () => {
      await this.redis.eval(UNLOCK, 1, lockKey, token).catch(() => {});
    };
  }

  async rememberRun(runId: string, user: string, sessionId: string): Promise<void> {
    await this.redis.set(
      `${this.prefix}run:${runId}`,
      JSON.stringify({ user, sessionId }),
      "EX",
      this.ttlSeconds,
    );
  }

  async findRun(runId: string) {
    const value = await this.redis.get(`${this.prefix}run:${runId}`);
    return value ? (JSON.parse(value) as { user: string; sessionId: string }) : undefined;
  }

  async ping(): Promise<boolean> {
    return (await this.redis.ping().catch(() => "")) === "PONG";
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  /** User ids are hashes or subjects; encoded so no id can reach into another user's keys. */
  private sessionKey(user: string, id: string): string {
    return `${this.prefix}session:${encodeURIComponent(user)}:${encodeURIComponent(id)}`;
  }
}
