import { execFile, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tls from "node:tls";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parseCli } from "../../tools/vault/cli-args";
import { DEFAULT_SETTINGS } from "../../tools/vault/settings";
import { type FakeVault, startFakeVault } from "./fake-vault";

const ROOT = `hvs.${randomBytes(18).toString("base64url")}`;
const READ_ONLY = `hvs.${randomBytes(18).toString("base64url")}`;
const TOKENS = { [ROOT]: { root: true }, [READ_ONLY]: { denied: /^PUT / } } as const;
const REPO = join(__dirname, "..", "..");

interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The command as the README gives it, in its own process (the fake Vault keeps serving meanwhile). */
function runCli(args: readonly string[], env: Record<string, string | undefined>): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", "tools/vault/cli.ts", ...args],
      { cwd: REPO, env: { PATH: process.env.PATH, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

let vault: FakeVault | undefined;
afterEach(async () => {
  await vault?.close();
  vault = undefined;
});

describe("vault bootstrap CLI", () => {
  it("dry run exits 2 writing nothing; a run exits 0; the next run finds nothing to change", async () => {
    vault = await startFakeVault({ tokens: TOKENS });
    const env = { VAULT_TOKEN: ROOT, VAULT_ADDR: vault.address };
    const dry = await runCli(["--dry-run"], env);
    expect(dry.code).toBe(2);
    expect(dry.stdout).toContain("6 change(s) needed:");
    expect(vault.writes()).toEqual([]);
    const run = await runCli(["--address", vault.address], { VAULT_TOKEN: ROOT });
    expect([run.code, run.stderr]).toEqual([0, ""]);
    expect(run.stdout).toContain("Applied 6 change(s); read back: nothing left to change.");
    const again = await runCli([], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("Nothing to change: Vault is already bootstrapped.");
    const dryAgain = await runCli(["--dry-run"], env);
    expect(dryAgain.code).toBe(0);
    for (const output of [dry, run, again, dryAgain])
      expect(output.stdout + output.stderr).not.toContain(ROOT);
  });

  it("exits 1 on a 403 with the path and capability, and never prints the token", async () => {
    vault = await startFakeVault({ tokens: TOKENS });
    const result = await runCli(["--address", vault.address], { VAULT_TOKEN: READ_ONLY });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `vault bootstrap: Vault at ${vault.address} refused PUT sys/audit/file (403`,
    );
    expect(result.stderr).toContain('lacks the capabilities "create", "update", "sudo" on sys/audit/file');
    expect(result.stdout + result.stderr).not.toContain(READ_ONLY);
  });

  it("refuses a token passed as a flag without echoing it, before calling Vault", async () => {
    vault = await startFakeVault({ tokens: TOKENS });
    const result = await runCli(["--address", vault.address, "--token", ROOT], { VAULT_TOKEN: ROOT });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "vault bootstrap: invalid arguments:\n- --token is not accepted: put the token in the VAULT_TOKEN environment variable\n",
    );
    expect(vault.requests).toEqual([]);
  });

  it("prints its usage with --help", async () => {
    const result = await runCli(["--help"], {});
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `--audit-file PATH        file audit device's path (default ${DEFAULT_SETTINGS.auditFilePath})`,
    );
  });
});

describe("vault bootstrap CLI over TLS", () => {
  let dir = "";
  let caFile = "";
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "vault-tls-"));
    caFile = join(dir, "ca.crt");
    execFileSync(
      "openssl",
      [
        ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"],
        ...["-keyout", join(dir, "tls.key"), "-out", caFile, "-days", "1", "-subj", "/CN=127.0.0.1"],
        ...["-addext", "subjectAltName=IP:127.0.0.1"],
      ],
      { stdio: "ignore" },
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const startTlsVault = async () =>
    startFakeVault({
      tokens: TOKENS,
      tls: { key: readFileSync(join(dir, "tls.key"), "utf8"), cert: readFileSync(caFile, "utf8") },
    });

  it("fails on an unknown CA naming the address and --ca-cert", async () => {
    vault = await startTlsVault();
    const result = await runCli(["--address", vault.address], { VAULT_TOKEN: ROOT });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`TLS with Vault at ${vault.address} failed (self-signed certificate`);
    expect(result.stderr).toContain("pass Vault's CA with --ca-cert");
    expect(vault.requests).toEqual([]);
  });

  it.skipIf(typeof tls.setDefaultCACertificates !== "function")(
    "trusts the CA given with --ca-cert or VAULT_CACERT (Node 24.5+)",
    async () => {
      vault = await startTlsVault();
      const run = await runCli(["--address", vault.address, "--ca-cert", caFile], { VAULT_TOKEN: ROOT });
      expect([run.code, run.stderr]).toEqual([0, ""]);
      expect(vault.writes()).toHaveLength(6);
      const again = await runCli(["--dry-run"], {
        VAULT_TOKEN: ROOT,
        VAULT_ADDR: vault.address,
        VAULT_CACERT: caFile,
      });
      expect(again.code).toBe(0);
    },
  );
});

describe("parseCli", () => {
  const env = { VAULT_TOKEN: ROOT, VAULT_ADDR: "http://127.0.0.1:8200" };

  it("defaults to what the stacks deploy, flags overriding", () => {
    const parsed = parseCli(
      ["--kv-path", "apps/*", "--kv-path", "shared/*", "--role=eso", "--no-audit"],
      env,
    );
    if (parsed.help) throw new Error("unexpected help");
    expect(parsed.address).toBe("http://127.0.0.1:8200");
    expect(parsed.token).toBe(ROOT);
    expect(parsed.settings).toEqual({
      ...DEFAULT_SETTINGS,
      auditFilePath: undefined,
      kvPaths: ["apps/*", "shared/*"],
      role: "eso",
    });
  });

  it("reports every problem at once, naming each flag and no secret", () => {
    let message = "";
    try {
      parseCli(
        [
          "--address",
          "ftp://vault",
          "--kv-mount",
          "/secret/",
          "--kv-path",
          "a/*/b",
          "--namespace",
          "Secrets",
          "--policy",
          "ESO",
          "--audit-file",
          "audit.log",
          "--no-audit",
          "--role",
          "--bogus=x",
          "stray",
        ],
        { VAULT_CACERT: "/tmp/ca.crt" },
      );
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split("\n")).toEqual([
      "invalid arguments:",
      "- --role needs a value",
      "- unknown flag --bogus (see --help)",
      "- argument 16 is not a flag: this command takes flags only (see --help)",
      '- --address must be an http(s) URL such as http://127.0.0.1:8200, got "ftp://vault"',
      "- VAULT_TOKEN is not set: export the root token from `vault operator init` (or one with sudo on sys/audit and sys/auth); it is never taken from a flag",
      "- --no-audit and --audit-file contradict each other: give one",
      '- --kv-mount must be a mount path such as "secret", got "/secret/"',
      '- --kv-path must be a path under the KV mount such as "*" or "apps/*" ("*" only at the end), got "a/*/b"',
      '- --policy must be lower case letters, digits, "_", "-" or ".", got "ESO"',
      '- --namespace must be a Kubernetes namespace name, got "Secrets"',
    ]);
  });

  it("rejects --ca-cert with a plain-HTTP address and a token with spaces, without echoing it", () => {
    let message = "";
    try {
      parseCli(["--ca-cert", "/tmp/ca.crt"], { ...env, VAULT_TOKEN: "hvs.abc def" });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split("\n").slice(1)).toEqual([
      "- VAULT_TOKEN holds characters no Vault token has (spaces or control characters)",
      "- --ca-cert is given but the address is http://: use https:// or drop --ca-cert",
    ]);
    expect(message).not.toContain("abc def");
  });
});
