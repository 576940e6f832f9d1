/**
 * Bench child: the tests' fake OpenAI upstream (real wire format: JSON answers, SSE chunks ending in
 * `[DONE]`) in a process of its own, so its CPU is not the load generator's.
 */
import { startFakeUpstream } from "../tests/services/gateway/fakes/openai-upstream";
import { reportReady } from "./child-ready";

async function main(): Promise<void> {
  const upstream = await startFakeUpstream("bench");
  // The fake records every request for tests' assertions; a soak would make that list its own leak.
  setInterval(() => upstream.requests.splice(0), 1000);
  process.once("SIGTERM", () => void upstream.close().finally(() => process.exit(0)));
  // Report the origin; callers add `/v1`.
  reportReady(new URL(upstream.baseUrl).origin);
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
