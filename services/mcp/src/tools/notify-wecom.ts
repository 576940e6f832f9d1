import { z } from "zod";
import type { SsrfGuard } from "../connectors/ssrf-guard";
import { postRobotMessage, WebhookFailed } from "../notify/robot-webhook";
import { defineTool, ToolError } from "./tool";

/** Posts to configured WeCom (企业微信) group robots; the webhook's `key` is the credential. */
export function notifyWeComTool(webhooks: ReadonlyMap<string, string>, guard: SsrfGuard) {
  const names = [...webhooks.keys()] as [string, ...string[]];
  return defineTool({
    name: "notify_wecom",
    title: "Send a WeCom group message",
    description: `Posts a text or Markdown message to a WeCom (企业微信) group through its robot (${names.join(", ")}).`,
    input: {
      robot: z.enum(names),
      content: z.string().min(1).max(4096),
      format: z.enum(["text", "markdown"]).default("text"),
      mentionedMobiles: z
        .array(z.string().regex(/^(\+?\d{5,20}|@all)$/))
        .max(20)
        .default([]),
    },
    output: { delivered: z.boolean(), robot: z.string() },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    scopes: ["mcp:notify"],
    async run({ robot, content, format, mentionedMobiles }) {
      const message =
        format === "markdown"
          ? { msgtype: "markdown", markdown: { content } }
          : { msgtype: "text", text: { content, mentioned_mobile_list: mentionedMobiles } };
      try {
        await postRobotMessage("WeCom", webhooks.get(robot) as string, message, guard);
      } catch (error) {
        if (error instanceof WebhookFailed) throw new ToolError(error.message);
        throw error;
      }
      return { delivered: true, robot };
    },
  });
}
