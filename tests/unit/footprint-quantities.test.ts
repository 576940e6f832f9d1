import { describe, expect, it } from "vitest";
import { containerResources, podResources } from "../../tools/docs/footprint/pod-resources";
import {
  addLimits,
  formatBytes,
  formatCores,
  NO_LIMIT,
  parseBytes,
  parseMillicores,
  scaleLimit,
} from "../../tools/docs/footprint/quantities";
import { figureCells } from "../../tools/docs/footprint/render-figures";
import { NO_TOTALS } from "../../tools/docs/footprint/rows";

const GIB = 2 ** 30;
const MIB = 2 ** 20;

describe("quantities", () => {
  it("reads CPU in millicores, whole cores and fractions", () => {
    expect(parseMillicores("500m", "t")).toBe(500);
    expect(parseMillicores("2", "t")).toBe(2000);
    expect(parseMillicores("1.5", "t")).toBe(1500);
    expect(parseMillicores(4, "t")).toBe(4000);
    expect(parseMillicores("0.1", "t") * 3).toBe(300);
    // Kubernetes rounds CPU up to whole millicores.
    expect(parseMillicores("100u", "t")).toBe(1);
  });

  it("reads binary, decimal and exponent byte quantities", () => {
    expect(parseBytes("1.5Gi", "t")).toBe(1.5 * GIB);
    expect(parseBytes("512Mi", "t")).toBe(512 * MIB);
    expect(parseBytes("2G", "t")).toBe(2_000_000_000);
    expect(parseBytes("128974848", "t")).toBe(128_974_848);
    expect(parseBytes("129e6", "t")).toBe(129_000_000);
    expect(parseBytes("1Ki", "t")).toBe(1024);
  });

  it("rejects what is not a quantity, naming where it was found", () => {
    expect(() => parseBytes("1.5GB", "prometheus.resources.limits.memory")).toThrow(
      'prometheus.resources.limits.memory: "1.5GB" is not a Kubernetes quantity',
    );
    expect(() => parseMillicores("", "x")).toThrow("is not a Kubernetes quantity");
    expect(() => parseMillicores("-1", "x")).toThrow("is not a Kubernetes quantity");
    expect(() => parseMillicores(undefined, "x")).toThrow("undefined is not a Kubernetes quantity");
  });

  it("formats cores and bytes for the document", () => {
    expect(formatCores(2350)).toBe("2.35");
    expect(formatCores(100)).toBe("0.1");
    expect(formatBytes(512 * MIB)).toBe("512 MiB");
    expect(formatBytes(1.5 * GIB)).toBe("1.5 GiB");
    expect(formatBytes(parseBytes("2G", "t"))).toBe("1.86 GiB");
    expect(formatBytes(GIB + 32 * MIB)).toBe("1.03 GiB");
  });

  it("sums limits, remembering when one of them is missing", () => {
    const two = { amount: 2000, unbounded: false };
    expect(addLimits(two, two)).toEqual({ amount: 4000, unbounded: false });
    expect(addLimits(two, NO_LIMIT)).toEqual({ amount: 2000, unbounded: true });
    expect(scaleLimit(two, 3)).toEqual({ amount: 6000, unbounded: false });
    expect(scaleLimit(NO_LIMIT, 0)).toEqual({ amount: 0, unbounded: false });
  });
});

describe("pod figures", () => {
  it("reads a container's requests and limits, a missing request falling back to the limit", () => {
    expect(
      containerResources({ requests: { cpu: "250m" }, limits: { memory: "1Gi", "nvidia.com/gpu": 1 } }, "t"),
    ).toEqual({
      cpuRequest: 250,
      cpuLimit: NO_LIMIT,
      memoryRequest: GIB,
      memoryLimit: { amount: GIB, unbounded: false },
      gpus: 1,
    });
  });

  it("fails on a resource name it does not know rather than dropping it", () => {
    expect(() => containerResources({ limits: { "amd.com/gpu": 1 } }, "StatefulSet ai/x")).toThrow(
      'StatefulSet ai/x: resource "amd.com/gpu" is not one the footprint knows',
    );
  });

  it("adds containers and sidecars, and counts the largest init container when it is larger", () => {
    const pod = podResources(
      {
        initContainers: [
          {
            name: "fetch",
            resources: { requests: { cpu: "2", memory: "256Mi" }, limits: { memory: "256Mi" } },
          },
          {
            name: "proxy",
            restartPolicy: "Always",
            resources: { requests: { cpu: "100m", memory: "64Mi" } },
          },
        ],
        containers: [
          { name: "app", resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "2Gi" } } },
          {
            name: "log",
            resources: { requests: { cpu: "50m", memory: "32Mi" }, limits: { memory: "64Mi" } },
          },
        ],
      },
      "Deployment ai/app",
    );
    // CPU: the init container's 2 cores beat 0.5 + 0.05 + the 0.1 sidecar; memory: the running sum wins.
    expect(pod.cpuRequest).toBe(2000);
    expect(pod.memoryRequest).toBe(GIB + 96 * MIB);
    // The sidecar sets no memory limit, so the pod has none either.
    expect(pod.memoryLimit.unbounded).toBe(true);
  });
});

describe("figure cells", () => {
  it("shows one value, a range in one unit, `none` and a floor marked +", () => {
    const min = { ...NO_TOTALS, pods: 1, cpuRequest: 250, memoryRequest: 512 * MIB, storage: 10 * GIB };
    const max = { ...min, pods: 2, cpuRequest: 500, memoryRequest: 1536 * MIB, storage: 20 * GIB };
    const limited = { amount: GIB, unbounded: true };
    expect(
      figureCells(
        { ...min, cpuLimit: NO_LIMIT, memoryLimit: limited },
        { ...max, cpuLimit: NO_LIMIT, memoryLimit: { ...limited, amount: 2 * GIB } },
      ),
    ).toEqual(["0.25–0.5", "none", "0.5–1.5 GiB", "1–2 GiB+", "10–20 GiB", "—"]);
  });
});
