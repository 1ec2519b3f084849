// Requests made in the same turn of the event loop (the records of one SQS batch, the
// customers of a close page) handed over together once that turn is over, so that they can
// share one call: the reads, projections and publications of steps running at once.
export class SameTurnBatch<T> {
  private pending: T[] = [];
  private scheduled = false;

  constructor(private readonly flush: (requests: T[]) => void) {}

  add(request: T): void {
    this.pending.push(request);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const requests = this.pending;
      this.pending = [];
      this.flush(requests);
    });
  }
}
