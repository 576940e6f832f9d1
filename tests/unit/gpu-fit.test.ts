import { describe, expect, it } from "vitest";
import { checkGpuFit, type GpuDemand, type GpuPoolCapacity } from "../../components/inference/gpu-fit";

const A10: GpuPoolCapacity = { name: "gpu-a10", gpuType: "nvidia-a10", maxNodes: 4, gpusPerNode: 1 };
const demand = (
  model: string,
  maxReplicas: number,
  gpusPerReplica = 1,
  gpuType = "nvidia-a10",
): GpuDemand => ({
  model,
  gpuType,
  gpusPerReplica,
  maxReplicas,
});

describe("checkGpuFit", () => {
  it("accepts a plan with room to spare and reports the usage per GPU type", () => {
    const fit = checkGpuFit([demand("qwen", 2), demand("glm", 1)], [A10]);
    expect(fit.problems).toEqual([]);
    expect(fit.fits).toBe(true);
    expect(fit.usage).toEqual([
      { gpuType: "nvidia-a10", demand: 3, capacity: 4, models: ["qwen", "glm"], pools: ["gpu-a10"] },
    ]);
    expect(fit.idlePools).toEqual([]);
  });

  it("accepts a plan that fills the pools exactly", () => {
    const fit = checkGpuFit([demand("qwen", 2), demand("glm", 2)], [A10]);
    expect(fit.fits).toBe(true);
    expect(fit.usage[0]).toMatchObject({ demand: 4, capacity: 4 });
  });

  it("rejects a plan one GPU over, naming every model and pool of the type", () => {
    const fit = checkGpuFit([demand("qwen", 2), demand("glm", 2), demand("codegeex", 1)], [A10]);
    expect(fit.fits).toBe(false);
    expect(fit.problems).toEqual([
      "nvidia-a10: models qwen (2 × 1 GPU), glm (2 × 1 GPU), codegeex (1 × 1 GPU) may use 5 GPUs, but pool(s) " +
        "gpu-a10 (4 nodes × 1 GPU) offer 4; lower the models' replicas.max or raise the pools' maxSize",
    ]);
  });

  it("adds up several pools of one type and keeps GPU types apart", () => {
    const pools = [
      A10,
      { ...A10, name: "gpu-a10-b", maxNodes: 2 },
      { name: "gpu-l4", gpuType: "nvidia-l4", maxNodes: 1, gpusPerNode: 4 },
    ];
    const fit = checkGpuFit([demand("qwen", 6), demand("glm-tp4", 1, 4, "nvidia-l4")], pools);
    expect(fit.fits).toBe(true);
    expect(fit.usage.map((u) => [u.gpuType, u.demand, u.capacity])).toEqual([
      ["nvidia-a10", 6, 6],
      ["nvidia-l4", 4, 4],
    ]);
    expect(checkGpuFit([demand("qwen", 7)], pools).fits).toBe(false);
  });

  it("rejects a replica needing more GPUs than any node of its type has", () => {
    const fit = checkGpuFit([demand("big", 1, 2)], [{ ...A10, maxNodes: 8 }]);
    expect(fit.problems).toEqual([
      "model big needs 2 GPUs per replica on one node, but pool gpu-a10 has only 1 GPU per node",
    ]);
  });

  it("rejects a model whose GPU type no pool offers, saying which types exist", () => {
    expect(checkGpuFit([demand("qwen", 1, 1, "nvidia-h100")], [A10]).problems).toEqual([
      "model qwen needs nvidia-h100 GPUs but no GPU pool offers them (pools offer nvidia-a10)",
    ]);
    expect(checkGpuFit([demand("qwen", 1)], []).problems).toEqual([
      "model qwen needs nvidia-a10 GPUs but no GPU pool offers them (there are no GPU pools)",
    ]);
  });

  it("lists pools no model asks for as idle", () => {
    const l4: GpuPoolCapacity = { name: "gpu-l4", gpuType: "nvidia-l4", maxNodes: 2, gpusPerNode: 1 };
    const fit = checkGpuFit([demand("qwen", 1)], [A10, l4]);
    expect(fit.fits).toBe(true);
    expect(fit.idlePools).toEqual(["gpu-l4"]);
    expect(checkGpuFit([demand("qwen", 0)], [A10]).idlePools).toEqual(["gpu-a10"]);
  });
});
