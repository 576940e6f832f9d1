/**
 * Bench child: Portkey's open-source gateway (@portkey-ai/gateway, the version pinned in
 * package.json). Its package exports no app, only build/start-server.js, which builds the Hono app
 * and serves it on every interface; a resolve hook hands that file our loopback-only `serve`.
 */
import { registerHooks } from "node:module";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { exitWithParent, repositoryRoot } from "./child-ready";

const PORTKEY_BUILD = "/node_modules/@portkey-ai/gateway/build/";
// ESM: the shim must stay in the repository to import @hono/node-server from its node_modules.
const LOOPBACK_SERVE = pathToFileURL(resolve(repositoryRoot(), "bench/portkey-loopback-serve.mjs")).href;

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier === "@hono/node-server" && context.parentURL?.includes(PORTKEY_BUILD))
      return { url: LOOPBACK_SERVE, shortCircuit: true };
    return nextResolve(specifier, context);
  },
});

exitWithParent();
// --headless: no log console UI. Its startup banner goes to stdout, which the parent ignores.
process.argv.push("--headless");
import(pathToFileURL(resolve(repositoryRoot(), `.${PORTKEY_BUILD}start-server.js`)).href).catch(
  (error: Error) => {
    process.stderr.write(`${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
