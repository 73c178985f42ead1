/** What a readiness probe reports: up or down, with details for the /health/ready body. */
export interface ProbeResult {
  readonly up: boolean;
  readonly details?: Record<string, unknown>;
}

export type ReadinessProbe = () => ProbeResult | Promise<ProbeResult>;

/**
 * Adapters (the bus: consumer joined, producer connected) register probes here; `/health/ready` reports all of them.
 * An app with no probes is ready once it serves HTTP.
 */
export class ReadinessRegistry {
  private readonly probes = new Map<string, ReadinessProbe>();
  private readonly livenessProbes = new Map<string, ReadinessProbe>();

  register(name: string, probe: ReadinessProbe): void {
    if (this.probes.has(name)) throw new Error(`readiness probe "${name}" is already registered`);
    this.probes.set(name, probe);
  }

  /**
   * A probe `/health` (liveness) reports too: only for states a restart fixes and waiting does not
   * (e.g. a consumer that crashed and will not restart itself).
   */
  registerLiveness(name: string, probe: ReadinessProbe): void {
    if (this.livenessProbes.has(name)) throw new Error(`liveness probe "${name}" is already registered`);
    this.livenessProbes.set(name, probe);
  }

  entries(): ReadonlyArray<readonly [string, ReadinessProbe]> {
    return [...this.probes.entries()];
  }

  livenessEntries(): ReadonlyArray<readonly [string, ReadinessProbe]> {
    return [...this.livenessProbes.entries()];
  }
}
