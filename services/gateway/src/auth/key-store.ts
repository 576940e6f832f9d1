/** Where keys and teams live. The request path only calls `findKey`/`findTeam`. */
import type { Team, VirtualKey } from "./virtual-keys";

export type KeyPatch = Partial<Omit<VirtualKey, "id" | "hash" | "displayPrefix" | "createdAt">>;
export type TeamPatch = Partial<Omit<Team, "id" | "createdAt">>;

export interface KeyStore {
  findKey(hash: string): Promise<VirtualKey | undefined>;
  findTeam(id: string): Promise<Team | undefined>;
  getKey(id: string): Promise<VirtualKey | undefined>;
  createKey(key: VirtualKey): Promise<void>;
  updateKey(id: string, patch: KeyPatch): Promise<VirtualKey | undefined>;
  listKeys(filter: { teamId?: string }): Promise<VirtualKey[]>;
  createTeam(team: Team): Promise<void>;
  updateTeam(id: string, patch: TeamPatch): Promise<Team | undefined>;
  listTeams(): Promise<Team[]>;
  close(): Promise<void>;
}

/** Keys and teams in this process only (no DATABASE_URL): lost on restart, one replica. */
export class MemoryKeyStore implements KeyStore {
  protected readonly keys = new Map<string, VirtualKey>();
  protected readonly byHash = new Map<string, VirtualKey>();
  protected readonly teams = new Map<string, Team>();

  async findKey(hash: string) {
    return this.byHash.get(hash);
  }

  async findTeam(id: string) {
    return this.teams.get(id);
  }

  async getKey(id: string) {
    return this.keys.get(id);
  }

  /** Also used by the durable store to refresh its in-memory copy. */
  remember(key: VirtualKey): void {
    const previous = this.keys.get(key.id);
    if (previous) this.byHash.delete(previous.hash);
    this.keys.set(key.id, key);
    this.byHash.set(key.hash, key);
  }

  rememberTeam(team: Team): void {
    this.teams.set(team.id, team);
  }

  async createKey(key: VirtualKey) {
    this.remember(key);
  }

  async updateKey(id: string, patch: KeyPatch) {
    const key = this.keys.get(id);
    if (!key) return undefined;
    const updated = { ...key, ...patch };
    this.remember(updated);
    return updated;
  }

  async listKeys(filter: { teamId?: string }) {
    return [...this.keys.values()].filter((key) => !filter.teamId || key.teamId === filter.teamId);
  }

  async createTeam(team: Team) {
    this.teams.set(team.id, team);
  }

  async updateTeam(id: string, patch: TeamPatch) {
    const team = this.teams.get(id);
    if (!team) return undefined;
    const updated = { ...team, ...patch };
    this.teams.set(id, updated);
    return updated;
  }

  async listTeams() {
    return [...this.teams.values()];
  }

  async close() {}
}
