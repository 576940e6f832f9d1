import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { AUDIT_LOG_PATH } from "../../components/secrets/vault";
import { checkVaultReady, runBootstrap } from "../../tools/vault/bootstrap";
import { BootstrapError } from "../../tools/vault/bootstrap-error";
import { externalSecretsPolicy } from "../../tools/vault/policy-document";
import { type BootstrapSettings, DEFAULT_SETTINGS } from "../../tools/vault/settings";
import { VaultClient } from "../../tools/vault/vault-client";
import { type FakeVault, freshState, startFakeVault, type TokenGrant } from "./fake-vault";

const vaultToken = () => `hvs.${randomBytes(18).toString("base64url")}`;
const ROOT = vaultToken();
const NO_SUDO = vaultToken();
const NO_AUTH_WRITE = vaultToken();
const TOKENS: Record<string, TokenGrant> = {
  [ROOT]: { root: true },
  [NO_SUDO]: { denied: /^(GET|PUT) sys\/audit/ },
  [NO_AUTH_WRITE]: { denied: /^PUT sys\/auth\// },
};

let vault: FakeVault | undefined;
afterEach(async () => {
  await vault?.close();
  vault = undefined;
});

async function fakeVault(adjust: (state: ReturnType<typeof freshState>) => void = () => {}) {
  const state = freshState();
  adjust(state);
  vault = await startFakeVault({ tokens: TOKENS, state });
  return vault;
}

/** Runs the bootstrap against `target`, collecting every line it prints and the error it throws. */
async function bootstrap(
  target: FakeVault,
  options: { token?: string; dryRun?: boolean; settings?: Partial<BootstrapSettings> } = {},
) {
  const lines: string[] = [];
  const client = new VaultClient({ address: target.address, token: options.token ?? ROOT });
  const settings = { ...DEFAULT_SETTINGS, ...options.settings };
  try {
    const outcome = await runBootstrap(client, settings, {
      dryRun: options.dryRun ?? false,
      log: (l) => lines.push(l),
    });
    return { outcome, lines, error: undefined };
  } catch (error) {
    if (!(error instanceof BootstrapError)) throw error;
    return { outcome: undefined, lines, error };
  }
}

const writesSince = (target: FakeVault, count: number) =>
  target
    .writes()
    .slice(count)
    .map((request) => `${request.method} ${request.path}`);

describe("Vault bootstrap against a fake Vault over HTTP", () => {
  it("first run enables the audit device first, then everything the External Secrets store needs", async () => {
    const target = await fakeVault();
    const { outcome, lines, error } = await bootstrap(target);
    expect(error).toBeUndefined();
    expect(outcome?.applied).toBe(6);
    expect(writesSince(target, 0)).toEqual([
      "PUT sys/audit/file",
      "PUT sys/mounts/secret",
      "PUT sys/auth/kubernetes",
      "PUT auth/kubernetes/config",
      "PUT sys/policies/acl/external-secrets",
      "PUT auth/kubernetes/role/external-secrets",
    ]);
    const state = target.state;
    expect(state.audit["file/"]).toMatchObject({ type: "file", options: { file_path: AUDIT_LOG_PATH } });
    expect(state.mounts["secret/"]).toMatchObject({ type: "kv", options: { version: "2" } });
    expect(state.auth["kubernetes/"]?.type).toBe("kubernetes");
    expect(state.authConfigs["kubernetes/"]).toMatchObject({
      kubernetes_host: "https://kubernetes.default.svc",
      disable_local_ca_jwt: false,
    });
    expect(state.policies["external-secrets"]).toBe(
      'path "secret/data/*" {\n  capabilities = ["read"]\n}\n\npath "secret/metadata/*" {\n  capabilities = ["read", "list"]\n}\n',
    );
    expect(state.roles["kubernetes/"]?.["external-secrets"]).toMatchObject({
      bound_service_account_names: ["external-secrets"],
      bound_service_account_namespaces: ["secrets"],
      audience: "vault",
      token_policies: ["external-secrets"],
      token_ttl: 3600,
    });
    expect(lines.at(-1)).toBe("Applied 6 change(s); read back: nothing left to change.");
  });

  it("second run reads only and changes nothing", async () => {
    const target = await fakeVault();
    await bootstrap(target);
    const before = target.writes().length;
    const { outcome, lines } = await bootstrap(target);
    expect(outcome).toEqual({ planned: [], applied: 0 });
    expect(writesSince(target, before)).toEqual([]);
    expect(lines).toContain("Nothing to change: Vault is already bootstrapped.");
  });

  it("corrects a drifted role, and only the role, naming each field that differed", async () => {
    const target = await fakeVault();
    await bootstrap(target);
    const role = target.state.roles["kubernetes/"]?.["external-secrets"];
    if (!role) throw new Error("role missing after the first run");
    role.bound_service_account_names = ["someone-else"];
    role.token_ttl = 86_400;
    role.token_max_ttl = 7200; // not managed here: must survive the correction
    const before = target.writes().length;
    const { outcome, lines } = await bootstrap(target);
    expect(writesSince(target, before)).toEqual(["PUT auth/kubernetes/role/external-secrets"]);
    expect(outcome?.planned.map((change) => [change.action, change.details])).toEqual([
      [
        "update",
        ['bound_service_account_names: ["someone-else"] → ["external-secrets"]', "token_ttl: 86400 → 3600"],
      ],
    ]);
    expect(
      lines.some((line) => line.startsWith("  ~ write role auth/kubernetes/role/external-secrets")),
    ).toBe(true);
    expect(target.state.roles["kubernetes/"]?.["external-secrets"]).toMatchObject({
      bound_service_account_names: ["external-secrets"],
      token_ttl: 3600,
      token_max_ttl: 7200,
    });
  });

  it("rewrites a policy whose rules were widened", async () => {
    const target = await fakeVault();
    await bootstrap(target);
    target.state.policies["external-secrets"] =
      'path "secret/*" {\n  capabilities = ["create", "read", "update"]\n}\n';
    const before = target.writes().length;
    await bootstrap(target);
    expect(writesSince(target, before)).toEqual(["PUT sys/policies/acl/external-secrets"]);
    expect(target.state.policies["external-secrets"]).toBe(externalSecretsPolicy(DEFAULT_SETTINGS));
  });

  it("dry run lists every change and writes nothing", async () => {
    const target = await fakeVault();
    const { outcome, lines } = await bootstrap(target, { dryRun: true });
    expect(outcome?.planned).toHaveLength(6);
    expect(outcome?.applied).toBe(0);
    expect(target.writes()).toEqual([]);
    expect(target.state).toEqual(freshState());
    expect(lines).toContain(`  + enable the file audit device at file/ writing to ${AUDIT_LOG_PATH}`);
    expect(lines.at(-1)).toBe("Dry run: nothing was changed.");
  });

  it("skips the audit device when told the Vault has no audit volume, and honours other names", async () => {
    const target = await fakeVault();
    await bootstrap(target, {
      settings: {
        auditFilePath: undefined,
        kvMount: "kv",
        kvPaths: ["apps/*", "shared/+/config"],
        role: "eso",
      },
    });
    expect(target.state.audit).toEqual({});
    expect(target.state.mounts["kv/"]?.options).toEqual({ version: "2" });
    expect(target.state.policies["external-secrets"]).toContain('path "kv/data/shared/+/config"');
    expect(target.state.roles["kubernetes/"]?.eso?.token_policies).toEqual(["external-secrets"]);
  });

  it("accepts a standby, which forwards requests to the active server", async () => {
    const target = await fakeVault((state) => {
      state.standby = true;
    });
    const { lines, error } = await bootstrap(target);
    expect(error).toBeUndefined();
    expect(lines[0]).toBe(
      `Vault 2.0.4 at ${target.address}: initialised, unsealed, standby, forwarding to the active server`,
    );
  });
});

describe("Vault bootstrap refusals", () => {
  it("refuses a sealed Vault before sending the token anywhere", async () => {
    const target = await fakeVault((state) => {
      state.sealed = true;
    });
    const { error } = await bootstrap(target);
    expect(error?.code).toBe("sealed");
    expect(error?.message).toBe(
      `Vault at ${target.address} is sealed: unseal it first (\`vault operator unseal\` with Shamir keys; ` +
        "with a KMS seal, check that Vault reaches its key), then run this again",
    );
    expect(target.requests.map((r) => [r.path, r.token])).toEqual([["sys/health", undefined]]);
  });

  it("refuses a Vault that was never initialised, pointing at operator init", async () => {
    const target = await fakeVault((state) => {
      state.initialized = false;
      state.sealed = true;
    });
    const { error } = await bootstrap(target);
    expect(error?.code).toBe("uninitialised");
    expect(error?.message).toMatch(/is not initialised: run `vault operator init` first/);
  });

  it("says the token was rejected when Vault does not know it", async () => {
    const target = await fakeVault();
    const wrong = vaultToken();
    const { error } = await bootstrap(target, { token: wrong });
    expect(error?.code).toBe("token-rejected");
    expect(error?.message).toMatch(/rejected the token in VAULT_TOKEN .*invalid, expired or revoked/);
    expect(error?.message).not.toContain(wrong);
    expect(target.writes()).toEqual([]);
  });

  it("names the path and the missing capability on a 403, before any write", async () => {
    const target = await fakeVault();
    const { error } = await bootstrap(target, { token: NO_SUDO });
    expect(error?.code).toBe("forbidden");
    expect(error?.message).toBe(
      `Vault at ${target.address} refused GET sys/audit (403 1 error occurred: * permission denied): the ` +
        'token in VAULT_TOKEN lacks the capabilities "read", "sudo" on sys/audit',
    );
    expect(target.writes()).toEqual([]);
  });

  it("on a 403 halfway says how far it got, and a rerun with a better token finishes", async () => {
    const target = await fakeVault();
    const { error } = await bootstrap(target, { token: NO_AUTH_WRITE });
    expect(error?.message).toContain("refused PUT sys/auth/kubernetes (403");
    expect(error?.message).toContain(
      'lacks the capabilities "create", "update", "sudo" on sys/auth/kubernetes',
    );
    expect(error?.message).toContain("(2 of 6 changes were applied before this one;");
    const { outcome } = await bootstrap(target);
    expect(outcome?.applied).toBe(4);
  });

  it("lists every conflict and writes nothing when existing state must not be overwritten", async () => {
    const target = await fakeVault((state) => {
      state.audit["file/"] = { type: "file", options: { file_path: "/tmp/other.log" } };
      state.mounts["secret/"] = { type: "kv", options: { version: "1" } };
    });
    const { error } = await bootstrap(target);
    expect(error?.code).toBe("conflict");
    expect(error?.message.split("\n")).toEqual([
      `Vault at ${target.address} holds state this command will not overwrite; nothing was changed:`,
      `- audit device file/ exists (type file, file_path "/tmp/other.log") but nothing writes to ${AUDIT_LOG_PATH}; ` +
        "Vault cannot change a device in place: disable it with `vault audit disable file/`, or pass the path it uses with --audit-file",
      "- secret/ is a KV version 1 engine and External Secrets reads version 2: upgrade it with " +
        "`vault kv enable-versioning secret/`, or choose another mount with --kv-mount",
    ]);
    expect(target.writes()).toEqual([]);
  });

  it("names the address when nothing listens there", async () => {
    const target = await fakeVault();
    const address = target.address;
    await target.close();
    vault = undefined;
    const client = new VaultClient({ address, token: ROOT });
    const error = await runBootstrap(client, DEFAULT_SETTINGS, { dryRun: false, log: () => {} }).catch(
      (e) => e,
    );
    expect(error.code).toBe("unreachable");
    expect(error.message).toMatch(new RegExp(`^cannot reach Vault at ${address} \\(ECONNREFUSED\\)`));
  });

  it("does not follow a standby's redirect, so the token goes nowhere else", async () => {
    const active = await startFakeVault({ tokens: TOKENS });
    try {
      const standby = await fakeVault((state) => {
        state.standby = true;
        state.redirectTo = active.address;
      });
      const { error } = await bootstrap(standby);
      expect(error?.message).toBe(
        `Vault at ${standby.address} redirected GET auth/token/lookup-self to ${active.address}/v1/auth/token/lookup-self, ` +
          "as a standby that does not forward requests does: point --address at the active server",
      );
      expect(active.requests).toEqual([]);
    } finally {
      await active.close();
    }
  });

  it("says so when the address answers but is not Vault, or does not answer in time", async () => {
    const notVault = createServer((request, response) => {
      if (request.url?.startsWith("/v1/sys/health")) response.end("<html>login</html>");
      // Anything else hangs, like a half-open port-forward.
    });
    await new Promise<void>((resolve) => notVault.listen(0, "127.0.0.1", resolve));
    const address = `http://127.0.0.1:${(notVault.address() as AddressInfo).port}`;
    try {
      const html = await checkVaultReady(new VaultClient({ address, token: ROOT })).catch((e) => e);
      expect(html.message).toBe(
        `Vault at ${address} answered GET sys/health?standbyok=true&perfstandbyok=true with 200 and a body that is not JSON: is this Vault?`,
      );
      const slow = new VaultClient({ address, token: ROOT, timeoutMs: 200 });
      const timeout = await slow.lookupSelf().catch((e) => e);
      expect([timeout.code, timeout.message]).toEqual([
        "timeout",
        `Vault at ${address} did not answer within 0.2 s`,
      ]);
    } finally {
      notVault.closeAllConnections();
      notVault.close();
    }
  });

  it("never prints the token, though Vault echoes it in lookup-self", async () => {
    const target = await fakeVault();
    const runs = [
      await bootstrap(target, { dryRun: true }),
      await bootstrap(target),
      await bootstrap(target),
      await bootstrap(target, { token: NO_SUDO }),
    ];
    const lookups = target.requests.filter((r) => r.path === "auth/token/lookup-self");
    expect(lookups.length).toBe(4);
    const printed = runs.flatMap((run) => [...run.lines, run.error?.message ?? ""]).join("\n");
    expect(printed).toContain("Applied 6 change(s)");
    for (const token of [ROOT, NO_SUDO]) expect(printed).not.toContain(token);
  });
});
