import { describe, expect, it } from "vitest";
import { inferenceAlertGroups } from "../../components/inference/inference-alerts";
import { promtoolCheckRules } from "../harness/promtool";

const ARGS = { namespace: "ai", servers: ["qwen2-5-7b-instruct", "whisper"], gpuIdleAlert: true };

describe("promtoolCheckRules (the helper)", () => {
  it("passes valid rules and fails a rule with a PromQL syntax error, with promtool's reason", () => {
    const valid = [{ name: "g", rules: [{ alert: "Up", expr: "up == 0", for: "5m" }] }];
    expect(promtoolCheckRules(valid).ok).toBe(true);
    const broken = [{ name: "g", rules: [{ alert: "Broken", expr: "sum(rate(up[5m]) > " }] }];
    const result = promtoolCheckRules(broken);
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/parse error|FAILED/i);
  });

  it("fails a rule whose annotation template does not parse", () => {
    const groups = [
      { name: "g", rules: [{ alert: "Bad", expr: "up == 0", annotations: { summary: "{{ $labels.job " } }] },
    ];
    expect(promtoolCheckRules(groups).ok).toBe(false);
  });
});

describe("inference alert rules", () => {
  it("pass promtool check rules", () => {
    const result = promtoolCheckRules(inferenceAlertGroups(ARGS));
    expect(result.output).toContain("SUCCESS");
    expect(result.ok).toBe(true);
  });

  it("cover the queue, KV cache, errors, unready models and (prod) idle GPU nodes", () => {
    const rules = inferenceAlertGroups(ARGS).flatMap((group) => group.rules);
    expect(rules.map((rule) => rule.alert)).toEqual([
      "InferenceQueueWaitTooLong",
      "InferenceKvCacheAlmostFull",
      "InferenceErrorRateHigh",
      "InferenceModelNoReadyReplicas",
      "GpuNodeIdle",
    ]);
    const byName = Object.fromEntries(rules.map((rule) => [rule.alert, rule]));
    expect(byName.InferenceKvCacheAlmostFull?.expr).toContain("> 0.9");
    expect(byName.InferenceModelNoReadyReplicas?.expr).toContain(
      'statefulset=~"qwen2-5-7b-instruct|whisper"',
    );
    expect(byName.GpuNodeIdle?.for).toBe("2h");
    for (const rule of rules) expect(rule.labels.severity).toMatch(/^(warning|critical)$/);
  });

  it("leaves the idle-GPU alert out unless asked (dev, local)", () => {
    const alerts = inferenceAlertGroups({ ...ARGS, gpuIdleAlert: false }).flatMap((g) =>
      g.rules.map((r) => r.alert),
    );
    expect(alerts).not.toContain("GpuNodeIdle");
  });
});
