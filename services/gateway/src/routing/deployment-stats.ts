/** What this replica has seen of each deployment: calls in flight and latency averages. */
export class DeploymentStats {
  private readonly inFlight = new Map<string, number>();
  private readonly latencyMs = new Map<string, number>();
  private readonly firstTokenMs = new Map<string, number>();

  constructor(private readonly alpha: number) {}

  started(id: string): void {
    this.inFlight.set(id, (this.inFlight.get(id) ?? 0) + 1);
  }

  finished(id: string): void {
    this.inFlight.set(id, Math.max(0, (this.inFlight.get(id) ?? 1) - 1));
  }

  inFlightCount(id: string): number {
    return this.inFlight.get(id) ?? 0;
  }

  private update(map: Map<string, number>, id: string, sample: number): void {
    const previous = map.get(id);
    map.set(id, previous === undefined ? sample : this.alpha * sample + (1 - this.alpha) * previous);
  }

  /** Whole-call latency for non-streamed calls. */
  recordLatency(id: string, ms: number): void {
    this.update(this.latencyMs, id, ms);
  }

  /** Time to first token for streams: what a streaming caller waits for. */
  recordFirstToken(id: string, ms: number): void {
    this.update(this.firstTokenMs, id, ms);
  }

  /** The latency the lowest-latency strategy compares; unknown deployments rank first so they get measured. */
  expectedLatency(id: string, stream: boolean): number {
    return (stream ? this.firstTokenMs.get(id) : undefined) ?? this.latencyMs.get(id) ?? 0;
  }
}
