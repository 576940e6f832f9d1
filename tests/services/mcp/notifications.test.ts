import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_DEVELOPER } from "../../../services/mcp/src/auth/caller";
import { SsrfGuard } from "../../../services/mcp/src/connectors/ssrf-guard";
import { notifyDingTalkTool } from "../../../services/mcp/src/tools/notify-dingtalk";
import { notifyWeComTool } from "../../../services/mcp/src/tools/notify-wecom";
import { json, type Loopback, readBody, serveOnLoopback } from "./support/loopback";

const DINGTALK_SECRET = "SEC0123456789abcdef";
const WECOM_KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa";
const context = { caller: LOCAL_DEVELOPER, signal: new AbortController().signal };
const guard = new SsrfGuard({ allowHosts: [], allowCidrs: ["127.0.0.1/32"] });

/**
 * DingTalk's robot endpoint as documented: verifies the access token, that the timestamp is within an
 * hour and that `sign` is base64(HMAC-SHA256(secret, timestamp + "\n" + secret)); WeCom's checks `key`.
 */
let robots: Loopback;
const messages: { platform: string; body: any }[] = [];
beforeAll(async () => {
  robots = await serveOnLoopback(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://robots");
    const body = JSON.parse(await readBody(request));
    if (url.pathname === "/robot/send") {
      const timestamp = url.searchParams.get("timestamp") ?? "";
      const expected = createHmac("sha256", DINGTALK_SECRET)
        .update(`${timestamp}\n${DINGTALK_SECRET}`)
        .digest("base64");
      if (url.searchParams.get("access_token") !== "ding-token")
        return json(response, 200, { errcode: 300001, errmsg: "token is not exist" });
      if (url.searchParams.get("sign") !== expected || Math.abs(Date.now() - Number(timestamp)) > 3_600_000) {
        return json(response, 200, { errcode: 310000, errmsg: "sign not match" });
      }
      messages.push({ platform: "dingtalk", body });
      return json(response, 200, { errcode: 0, errmsg: "ok" });
    }
    if (url.pathname === "/cgi-bin/webhook/send") {
      if (url.searchParams.get("key") !== WECOM_KEY)
        return json(response, 200, { errcode: 93000, errmsg: "invalid webhook url" });
      messages.push({ platform: "wecom", body });
      return json(response, 200, { errcode: 0, errmsg: "ok" });
    }
    json(response, 404, {});
  });
});
afterAll(() => robots.close());

describe("DingTalk robot", () => {
  const tool = (secret = DINGTALK_SECRET, now = Date.now) =>
    notifyDingTalkTool(
      new Map([["ops", { webhookUrl: `${robots.url}/robot/send?access_token=ding-token`, secret }]]),
      guard,
      now,
    );

  it("signs the request the way DingTalk verifies it and sends a Markdown message with mentions", async () => {
    const result = await tool().run(
      {
        robot: "ops",
        content: "### Deploy done\n- gateway 1.4",
        format: "markdown",
        title: "Deploy",
        atMobiles: ["13800000000"],
        atAll: false,
      },
      context,
    );
    expect(result).toEqual({ delivered: true, robot: "ops" });
    expect(messages.at(-1)).toEqual({
      platform: "dingtalk",
      body: {
        msgtype: "markdown",
        markdown: { title: "Deploy", text: "### Deploy done\n- gateway 1.4" },
        at: { atMobiles: ["13800000000"], isAtAll: false },
      },
    });
  });

  it("surfaces DingTalk's refusal of a bad or stale signature without leaking the webhook token", async () => {
    const failure = tool("wrong-secret").run(
      { robot: "ops", content: "x", format: "text", atMobiles: [], atAll: false },
      context,
    );
    await expect(failure).rejects.toThrow(
      "DingTalk refused the message (HTTP 200, errcode 310000: sign not match)",
    );
    const stale = tool(DINGTALK_SECRET, () => Date.now() - 2 * 3_600_000);
    await expect(
      stale.run({ robot: "ops", content: "x", format: "text", atMobiles: [], atAll: false }, context),
    ).rejects.toThrow(/sign not match/);
    await failure.catch((error: Error) => expect(error.message).not.toContain("ding-token"));
  });
});

describe("WeCom robot", () => {
  const tool = (key: string) =>
    notifyWeComTool(new Map([["support", `${robots.url}/cgi-bin/webhook/send?key=${key}`]]), guard);

  it("sends a text message with mentioned mobiles", async () => {
    await tool(WECOM_KEY).run(
      { robot: "support", content: "工单 #42 已升级", format: "text", mentionedMobiles: ["@all"] },
      context,
    );
    expect(messages.at(-1)).toEqual({
      platform: "wecom",
      body: { msgtype: "text", text: { content: "工单 #42 已升级", mentioned_mobile_list: ["@all"] } },
    });
  });

  it("reports WeCom's error code for a wrong key, without the key", async () => {
    const failure = tool("wrong-key").run(
      { robot: "support", content: "x", format: "markdown", mentionedMobiles: [] },
      context,
    );
    await expect(failure).rejects.toThrow(
      "WeCom refused the message (HTTP 200, errcode 93000: invalid webhook url)",
    );
    await failure.catch((error: Error) => expect(error.message).not.toContain("wrong-key"));
  });

  it("refuses a webhook on a private address unless allow-listed", async () => {
    const strict = notifyWeComTool(
      new Map([["support", `${robots.url}/cgi-bin/webhook/send?key=${WECOM_KEY}`]]),
      new SsrfGuard({ allowHosts: [], allowCidrs: [] }),
    );
    await expect(
      strict.run({ robot: "support", content: "x", format: "text", mentionedMobiles: [] }, context),
    ).rejects.toThrow("WeCom webhook refused by the SSRF guard");
  });
});
