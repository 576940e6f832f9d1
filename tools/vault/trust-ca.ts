import { readFileSync } from "node:fs";
import * as tls from "node:tls";
import { BootstrapError } from "./bootstrap-error";

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * Adds the CA certificates in `path` to the ones this process trusts, for Node's fetch: fetch takes no
 * per-request CA, and the process only ever talks to this one Vault.
 */
export function trustCaCertificates(path: string): void {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new BootstrapError("usage", `--ca-cert ${path} cannot be read (${code})`);
  }
  const certificates = text.match(PEM_CERTIFICATE) ?? [];
  if (certificates.length === 0)
    throw new BootstrapError(
      "usage",
      `--ca-cert ${path} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
    );
  // Node 24.5 and newer; older Node reads extra CAs only at start.
  if (typeof tls.setDefaultCACertificates !== "function")
    throw new BootstrapError(
      "usage",
      `--ca-cert needs Node 24.5 or newer (this is ${process.version}); or run with NODE_EXTRA_CA_CERTS=${path}`,
    );
  try {
    tls.setDefaultCACertificates([...tls.getCACertificates("default"), ...certificates]);
  } catch (error) {
    throw new BootstrapError(
      "usage",
      `--ca-cert ${path} holds a certificate Node cannot use (${String(error)})`,
    );
  }
}
