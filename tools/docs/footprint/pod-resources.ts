import {
  addLimits,
  type Limit,
  maxLimit,
  NO_LIMIT,
  parseBytes,
  parseMillicores,
  scaleLimit,
  ZERO_LIMIT,
} from "./quantities";

/** What one pod (or a sum of pods) asks the scheduler for and may use at most. */
export interface Resources {
  /** Millicores. */
  readonly cpuRequest: number;
  readonly cpuLimit: Limit;
  /** Bytes. */
  readonly memoryRequest: number;
  readonly memoryLimit: Limit;
  readonly gpus: number;
}

export const NO_RESOURCES: Resources = {
  cpuRequest: 0,
  cpuLimit: ZERO_LIMIT,
  memoryRequest: 0,
  memoryLimit: ZERO_LIMIT,
  gpus: 0,
};

const GPU = "nvidia.com/gpu";
/** Resource names that do not change the figures here (ephemeral storage is node disk, not a volume). */
const IGNORED = new Set(["ephemeral-storage"]);
const KNOWN = new Set(["cpu", "memory", GPU]);

/** A container's `resources` block; a missing limit counts as unbounded, a missing request as 0. */
export function containerResources(resources: unknown, where: string): Resources {
  const block = (resources ?? {}) as { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
  for (const name of [...Object.keys(block.requests ?? {}), ...Object.keys(block.limits ?? {})]) {
    if (!KNOWN.has(name) && !IGNORED.has(name))
      throw new Error(`${where}: resource "${name}" is not one the footprint knows (cpu, memory, ${GPU})`);
  }
  // Kubernetes defaults a missing request to the limit.
  const requests = { ...block.limits, ...block.requests };
  const limits = block.limits ?? {};
  return {
    cpuRequest: requests.cpu === undefined ? 0 : parseMillicores(requests.cpu, `${where} requests.cpu`),
    cpuLimit:
      limits.cpu === undefined
        ? NO_LIMIT
        : { amount: parseMillicores(limits.cpu, `${where} limits.cpu`), unbounded: false },
    memoryRequest:
      requests.memory === undefined ? 0 : parseBytes(requests.memory, `${where} requests.memory`),
    memoryLimit:
      limits.memory === undefined
        ? NO_LIMIT
        : { amount: parseBytes(limits.memory, `${where} limits.memory`), unbounded: false },
    gpus: requests[GPU] === undefined ? 0 : Number(requests[GPU]),
  };
}

export function addResources(a: Resources, b: Resources): Resources {
  return {
    cpuRequest: a.cpuRequest + b.cpuRequest,
    cpuLimit: addLimits(a.cpuLimit, b.cpuLimit),
    memoryRequest: a.memoryRequest + b.memoryRequest,
    memoryLimit: addLimits(a.memoryLimit, b.memoryLimit),
    gpus: a.gpus + b.gpus,
  };
}

export function maxResources(a: Resources, b: Resources): Resources {
  return {
    cpuRequest: Math.max(a.cpuRequest, b.cpuRequest),
    cpuLimit: maxLimit(a.cpuLimit, b.cpuLimit),
    memoryRequest: Math.max(a.memoryRequest, b.memoryRequest),
    memoryLimit: maxLimit(a.memoryLimit, b.memoryLimit),
    gpus: Math.max(a.gpus, b.gpus),
  };
}

export function scaleResources(resources: Resources, times: number): Resources {
  return {
    cpuRequest: resources.cpuRequest * times,
    cpuLimit: scaleLimit(resources.cpuLimit, times),
    memoryRequest: resources.memoryRequest * times,
    memoryLimit: scaleLimit(resources.memoryLimit, times),
    gpus: resources.gpus * times,
  };
}

interface ContainerLike {
  readonly name?: string;
  readonly resources?: unknown;
  readonly restartPolicy?: string;
}

/**
 * A pod's effective figures as the scheduler computes them: the app containers plus native sidecars
 * (init containers with `restartPolicy: Always`), or the largest plain init container together with
 * the sidecars started before it, whichever is larger.
 */
export function podResources(
  spec: { containers?: readonly ContainerLike[]; initContainers?: readonly ContainerLike[] },
  where: string,
): Resources {
  const of = (container: ContainerLike) =>
    containerResources(container.resources, `${where} container ${container.name ?? "?"}`);
  let sidecars = NO_RESOURCES;
  let initPeak = NO_RESOURCES;
  for (const init of spec.initContainers ?? []) {
    if (init.restartPolicy === "Always") sidecars = addResources(sidecars, of(init));
    else initPeak = maxResources(initPeak, addResources(sidecars, of(init)));
  }
  const running = (spec.containers ?? []).map(of).reduce(addResources, sidecars);
  return maxResources(running, initPeak);
}
