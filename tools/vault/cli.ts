/**
 * Vault post-init bootstrap: `VAULT_TOKEN=... npm run vault:bootstrap -- --address URL [--dry-run]`.
 * Exit code: 0 done (or nothing to do), 1 error, 2 dry run with changes pending. See cli-args.ts.
 */

import { runBootstrap } from "./bootstrap";
import { redact } from "./bootstrap-error";
import { parseCli, USAGE } from "./cli-args";
import { trustCaCertificates } from "./trust-ca";
import { VaultClient } from "./vault-client";

const EXIT = { done: 0, error: 1, pending: 2 } as const;

async function main(args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const request = parseCli(args, env);
  if (request.help) {
    process.stdout.write(USAGE);
    return EXIT.done;
  }
  if (request.caCertPath) trustCaCertificates(request.caCertPath);
  const client = new VaultClient({ address: request.address, token: request.token });
  const log = (line: string) => process.stdout.write(`${redact(line, request.token)}\n`);
  const outcome = await runBootstrap(client, request.settings, { dryRun: request.dryRun, log });
  return request.dryRun && outcome.planned.length > 0 ? EXIT.pending : EXIT.done;
}

main(process.argv.slice(2), process.env).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`vault bootstrap: ${redact(message, process.env.VAULT_TOKEN?.trim())}\n`);
    process.exit(EXIT.error);
  },
);
