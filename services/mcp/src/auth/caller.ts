/** Who is calling: the token's subject and what it may do. */
export interface Caller {
  /** `sub` of the token (Keycloak user or service account id), or `local-developer` without auth. */
  readonly id: string;
  /** OAuth scopes and Keycloak roles, merged: a tool's required scope may be either. */
  readonly scopes: ReadonlySet<string>;
  /** True only in the loopback development mode: every scope is granted. */
  readonly unrestricted: boolean;
}

export function hasScopes(caller: Caller, required: readonly string[]): boolean {
  return caller.unrestricted || required.every((scope) => caller.scopes.has(scope));
}

export const LOCAL_DEVELOPER: Caller = { id: "local-developer", scopes: new Set(), unrestricted: true };
