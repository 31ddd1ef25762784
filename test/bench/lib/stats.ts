/** The median of a non-empty list. */
export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Rounds to a few significant digits for the report. */
export function round(value: number, digits = 3): number {
  if (!Number.isFinite(value)) return value;
  return Number(value.toPrecision(digits));
}

/** Per-round samples of named figures (requests per second, ms, MB). */
export class Samples {
  private readonly values = new Map<string, number[]>();

  add(name: string, value: number): void {
    const list = this.values.get(name) ?? [];
    list.push(value);
    this.values.set(name, list);
  }

  get(name: string): number[] {
    return this.values.get(name) ?? [];
  }

  /** Median of the per-round ratios a[i] / b[i] (same-round pairs). */
  ratio(a: string, b: string): { value: number; rounds: number[] } {
    const top = this.get(a);
    const bottom = this.get(b);
    const rounds = top
      .slice(0, bottom.length)
      .map((value, i) => value / bottom[i]);
    return { value: median(rounds), rounds };
  }

  /** Median of every figure, for the report. */
  medians(): Record<string, { median: number; rounds: number[] }> {
    const out: Record<string, { median: number; rounds: number[] }> = {};
    for (const [name, list] of this.values) {
      out[name] = {
        median: round(median(list), 4),
        rounds: list.map(v => round(v, 4)),
      };
    }
    return out;
  }
}
