/**
 * A bounded map of verified token strings, oldest evicted first. The
 * caller still checks expiry on every hit.
 */
export class VerifiedTokenCache<T> {
  private readonly entries = new Map<string, T>();

  constructor(private readonly capacity: number) {}

  get(token: string): T | undefined {
    return this.entries.get(token);
  }

  set(token: string, value: T): void {
    if (this.capacity <= 0) return;
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(token, value);
  }

  delete(token: string): void {
    this.entries.delete(token);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
