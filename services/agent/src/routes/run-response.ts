/** Answers a run as one JSON result or as a stream of server-sent events. */
import type { ServerResponse } from "node:http";
import { AgentError } from "../http/errors";
import { sendJson } from "../http/respond";
import { openSse } from "../http/sse";
import { modelCallError } from "../model/model-errors";
import { ClientGone, type PreparedRun } from "../run/run-service";
import type { AppContext } from "./route";

export async function respondWithRun(
  context: AppContext,
  response: ServerResponse,
  prepared: PreparedRun,
  stream: boolean,
): Promise<void> {
  const clientGone = new AbortController();
  response.once("close", () => {
    if (!response.writableFinished) clientGone.abort();
  });
  if (!stream) {
    try {
      const result = await context.runs.execute(prepared, () => {}, clientGone.signal);
      return sendJson(response, 200, result);
    } catch (error) {
      if (error instanceof ClientGone) return;
      throw error;
    }
  }
  const events = openSse(response);
  try {
    await context.runs.execute(prepared, (event) => events.send(event.type, event), clientGone.signal);
  } catch (error) {
    if (!(error instanceof ClientGone)) {
      const agentError = error instanceof AgentError ? error : modelCallError(error);
      if (!(error instanceof AgentError))
        context.logger.log("error", "run_crashed", { error: (error as Error).message });
      await events.send("run.error", { status: agentError.status, ...agentError.toBody() });
    }
  } finally {
    events.end();
  }
}
