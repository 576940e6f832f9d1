import { describe, expect, it } from "vitest";
import { MemorySpendLog, type SpendRecord } from "../../../services/gateway/src/spend/spend-log";

const record = (index: number): SpendRecord => ({
  requestId: `r${index}`,
  createdAt: new Date(1_700_000_000_000 + index),
  modelGroup: index % 2 ? "odd" : "even",
  operation: "chat",
  promptTokens: 1,
  completionTokens: 1,
  costUsd: 1,
  status: 200,
  durationMs: 1,
  cacheHit: false,
});

describe("in-memory spend log", () => {
  it("keeps the newest records up to its capacity, newest first in logs", async () => {
    const log = new MemorySpendLog(5);
    for (let i = 0; i < 12; i++) log.record(record(i));
    const logs = await log.logs({ limit: 10 });
    expect(logs.map((entry) => entry.requestId)).toEqual(["r11", "r10", "r9", "r8", "r7"]);
    const report = await log.report("model");
    expect(report.map((total) => [total.group, total.requests]).sort()).toEqual([
      ["even", 2],
      ["odd", 3],
    ]);
  });
});
