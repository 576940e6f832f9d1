import type * as kubernetes from "@pulumi/kubernetes";
import { secretCopy } from "../../components/baseline/secret-copy";
import { ExternalSecrets } from "../../components/secrets/external-secrets";
import { Vault, type VaultSeal } from "../../components/secrets/vault";
import type { PlatformConfig } from "../config";
import { type CloudVaultUnseal, VAULT_IDENTITY } from "../platform";
import type { PlatformNamespaces } from "./namespaces";

/** The External Secrets release, which names its controller's service account. */
export const EXTERNAL_SECRETS_RELEASE = "external-secrets";

export interface SecretsArea {
  readonly vault: Vault;
  readonly externalSecrets: ExternalSecrets;
}

/**
 * Vault (HA with Raft in prod; auto-unsealed by the cloud's KMS, Shamir on an existing cluster) and
 * External Secrets with a ClusterSecretStore on it, so teams get Kubernetes Secrets from Vault paths.
 */
export function deploySecrets(
  config: PlatformConfig,
  namespaces: PlatformNamespaces,
  unseal: CloudVaultUnseal | undefined,
  provider: kubernetes.Provider,
): SecretsArea {
  const namespace = namespaces.secrets.name;
  if (namespace !== VAULT_IDENTITY.namespace)
    throw new Error("internal: Vault's namespace and its KMS grant disagree");
  const settings = config.platform.secrets;
  const opts = { providers: [provider], dependsOn: [namespaces.secrets] };

  const vault = new Vault(
    VAULT_IDENTITY.release,
    {
      namespace,
      mode: settings.vaultMode,
      storageGi: settings.vaultStorageGi,
      auditStorageGi: settings.vaultAuditStorageGi,
      seal: sealFor(unseal, namespace, namespaces),
      clientNamespaces: ["ai"],
      externalSecretsNamespace: namespace,
      metricsNamespace: namespaces.observability.name,
    },
    { ...opts, protect: config.protect },
  );
  const externalSecrets = new ExternalSecrets(
    EXTERNAL_SECRETS_RELEASE,
    {
      namespace,
      vault: { address: vault.address },
      replicas: settings.externalSecretsReplicas,
      metricsNamespace: namespaces.observability.name,
    },
    { ...opts, dependsOn: [namespaces.secrets, vault] },
  );
  return { vault, externalSecrets };
}

function sealFor(
  unseal: CloudVaultUnseal | undefined,
  namespace: string,
  namespaces: PlatformNamespaces,
): VaultSeal {
  if (!unseal) return { type: "shamir" };
  if (unseal.type === "awskms") return unseal;
  // Vault's Alibaba Cloud seal reads an access key pair (it has no RRSA support); it lives in a Secret.
  secretCopy(
    "vault-kms-credentials",
    namespace,
    { "access-key-id": unseal.accessKeyId, "access-key-secret": unseal.accessKeySecret },
    { parent: namespaces.secrets },
  );
  return {
    type: "alicloudkms",
    region: unseal.region,
    kmsKeyId: unseal.kmsKeyId,
    credentialsSecretName: "vault-kms-credentials",
  };
}
