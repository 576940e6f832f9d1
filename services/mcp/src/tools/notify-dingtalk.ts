import { z } from "zod";
import type { SsrfGuard } from "../connectors/ssrf-guard";
import { postRobotMessage, signedDingTalkUrl, WebhookFailed } from "../notify/robot-webhook";
import { defineTool, ToolError } from "./tool";

export interface DingTalkRobot {
  readonly webhookUrl: string;
  /** The robot's signing secret ("加签"), when its security setting requires one. */
  readonly secret?: string;
}

/** Posts to configured DingTalk group robots (custom robot webhook, signed when a secret is set). */
export function notifyDingTalkTool(
  robots: ReadonlyMap<string, DingTalkRobot>,
  guard: SsrfGuard,
  now: () => number = Date.now,
) {
  const names = [...robots.keys()] as [string, ...string[]];
  return defineTool({
    name: "notify_dingtalk",
    title: "Send a DingTalk group message",
    description: `Posts a text or Markdown message to a DingTalk group through its robot (${names.join(", ")}).`,
    input: {
      robot: z.enum(names),
      content: z.string().min(1).max(5000),
      format: z.enum(["text", "markdown"]).default("text"),
      title: z.string().max(100).optional().describe("Shown in the notification; Markdown messages only"),
      atMobiles: z
        .array(z.string().regex(/^\+?\d{5,20}$/))
        .max(20)
        .default([]),
      atAll: z.boolean().default(false),
    },
    output: { delivered: z.boolean(), robot: z.string() },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    scopes: ["mcp:notify"],
    async run({ robot, content, format, title, atMobiles, atAll }) {
      const target = robots.get(robot) as DingTalkRobot;
      const at = { atMobiles, isAtAll: atAll };
      const message =
        format === "markdown"
          ? { msgtype: "markdown", markdown: { title: title ?? content.slice(0, 30), text: content }, at }
          : { msgtype: "text", text: { content }, at };
      try {
        await postRobotMessage(
          "DingTalk",
          signedDingTalkUrl(target.webhookUrl, target.secret, now()),
          message,
          guard,
        );
      } catch (error) {
        if (error instanceof WebhookFailed) throw new ToolError(error.message);
        throw error;
      }
      return { delivered: true, robot };
    },
  });
}
