import { createHmac } from "node:crypto";
import { request } from "undici";
import { type SsrfGuard, SsrfRefused } from "../connectors/ssrf-guard";

export class WebhookFailed extends Error {}

/**
 * DingTalk's signature for custom robots with "加签": HMAC-SHA256 over `timestamp + "\n" + secret`
 * keyed by the secret, base64, sent as `timestamp` and `sign` query parameters.
 */
export function dingTalkSignature(secret: string, timestampMs: number): string {
  return createHmac("sha256", secret).update(`${timestampMs}\n${secret}`).digest("base64");
}

export function signedDingTalkUrl(webhookUrl: string, secret: string | undefined, now = Date.now()): string {
  if (!secret) return webhookUrl;
  const url = new URL(webhookUrl);
  url.searchParams.set("timestamp", String(now));
  url.searchParams.set("sign", dingTalkSignature(secret, now));
  return url.toString();
}

/**
 * POSTs a robot message; both platforms answer HTTP 200 with `{errcode, errmsg}`. Errors never
 * include the webhook URL: its token is the credential.
 */
export async function postRobotMessage(
  platform: string,
  url: string,
  message: unknown,
  guard: SsrfGuard,
): Promise<void> {
  try {
    await guard.checkUrl(url);
  } catch (error) {
    if (error instanceof SsrfRefused)
      throw new WebhookFailed(`${platform} webhook refused by the SSRF guard`);
    throw error;
  }
  const response = await request(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(message),
    dispatcher: guard.dispatcher,
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
  }).catch(() => {
    throw new WebhookFailed(`${platform} webhook could not be reached`);
  });
  const body = (await response.body.json().catch(() => undefined)) as
    | { errcode?: number; errmsg?: string }
    | undefined;
  if (response.statusCode !== 200 || body?.errcode !== 0) {
    throw new WebhookFailed(
      `${platform} refused the message (HTTP ${response.statusCode}, errcode ${body?.errcode}: ${body?.errmsg ?? "no body"})`,
    );
  }
}
