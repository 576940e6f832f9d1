/** Autoscaling bounds shared by every node pool, on every cloud. */
export interface NodePoolSize {
  /** Fewest nodes the autoscaler keeps; `0` lets an idle pool cost nothing. */
  readonly minSize: number;
  /** Most nodes the autoscaler may add. */
  readonly maxSize: number;
  /** Nodes at creation; the autoscaler owns the count afterwards. Default `minSize`. */
  readonly desiredSize?: number;
}

/** Rejects bounds no autoscaler can honour, before any resource is declared. */
export function validateNodePoolSize(what: string, size: NodePoolSize): void {
  const desired = size.desiredSize ?? size.minSize;
  const problems = [
    Number.isInteger(size.minSize) && size.minSize >= 0 ? undefined : "minSize must be a whole number >= 0",
    Number.isInteger(size.maxSize) && size.maxSize >= 1 ? undefined : "maxSize must be a whole number >= 1",
    size.minSize <= size.maxSize ? undefined : `minSize (${size.minSize}) exceeds maxSize (${size.maxSize})`,
    desired >= size.minSize && desired <= size.maxSize
      ? undefined
      : `desiredSize (${desired}) is outside [${size.minSize}, ${size.maxSize}]`,
  ].filter((problem) => problem !== undefined);
  if (problems.length > 0) throw new Error(`${what}: ${problems.join("; ")}`);
}
