import { describe, expect, it } from "vitest";
import { AUDIT_LOG_PATH } from "../../components/secrets/vault";
import { DEFAULT_SETTINGS } from "../../tools/vault/settings";
import { byName, single } from "../harness/queries";
import { runStackFile } from "../harness/run-stack";

const STORE = "kubernetes:external-secrets.io/v1:ClusterSecretStore";
const CHART = "kubernetes:helm.sh/v4:Chart";

/**
 * The bootstrap's defaults must be what each stack deploys: the ClusterSecretStore logs in with them
 * and reads that mount, and the Vault chart mounts the audit volume the device writes to.
 */
describe.each(["dev", "prod-aws", "local"])("vault bootstrap defaults against the %s stack", (stack) => {
  it("match the ClusterSecretStore's mount, auth mount, role, service account and audience", async () => {
    const run = await runStackFile(stack);
    const vault = single(run, STORE).inputs.spec.provider.vault;
    expect({
      kvMount: vault.path,
      kubernetesMount: vault.auth.kubernetes.mountPath,
      role: vault.auth.kubernetes.role,
      serviceAccount: vault.auth.kubernetes.serviceAccountRef.name,
      namespace: vault.auth.kubernetes.serviceAccountRef.namespace,
      audience: vault.auth.kubernetes.serviceAccountRef.audiences,
    }).toEqual({
      kvMount: DEFAULT_SETTINGS.kvMount,
      kubernetesMount: DEFAULT_SETTINGS.kubernetesMount,
      role: DEFAULT_SETTINGS.role,
      serviceAccount: DEFAULT_SETTINGS.serviceAccount,
      namespace: DEFAULT_SETTINGS.namespace,
      audience: [DEFAULT_SETTINGS.audience],
    });
    expect(byName(run, CHART, "vault-chart").inputs.values.server.auditStorage.enabled).toBe(true);
    expect(DEFAULT_SETTINGS.auditFilePath).toBe(AUDIT_LOG_PATH);
  });
});
