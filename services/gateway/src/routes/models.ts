import { sendJson } from "../http/respond";
import { callerOf, mayUse } from "../pipeline/caller";
import type { Route } from "./route";

/** `GET /v1/models`: the model groups this caller's key may use, in OpenAI's list shape. */
export const MODELS_ROUTE: Route = {
  method: "GET",
  paths: ["/v1/models", "/models"],
  name: "models",
  handler: async (context, request, response, info) => {
    const caller = await callerOf(context, request, info.startedMs);
    const created = Math.floor(info.startedMs / 1000);
    const data = context.runtime.router
      .groupNames()
      .filter((group) => mayUse(caller, group))
      .map((id) => ({ id, object: "model", created, owned_by: "ai-platform" }));
    sendJson(response, 200, { object: "list", data });
  },
};
