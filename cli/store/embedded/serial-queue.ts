/**
 * Runs async jobs strictly one after another. The engine is one in-process ClickHouse with one
 * connection whose current database and settings are switched per request, so two requests must
 * never interleave their SET / USE / query / restore sequences.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;
  private closed = false;

  /** Number of jobs queued or running. */
  get size(): number {
    return this.pending;
  }

  run<T>(job: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the embedded engine is shutting down'));
    this.pending++;
    const result = this.tail.then(job);
    // The chain continues whatever the job's outcome; the caller sees the outcome through `result`.
    this.tail = result.then(
      () => this.pending--,
      () => this.pending--,
    );
    return result;
  }

  /** Refuses new jobs and resolves once every accepted job has finished. */
  async drain(): Promise<void> {
    this.closed = true;
    await this.tail;
  }
}
