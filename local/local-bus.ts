// The in-process event bus `device-supply`: routes each accepted event by the shared routing
// table into its consumer's queue (journalled first, so that nothing accepted is lost), and
// keeps the events the pipeline itself emitted for `GET /admin/events`. An event put on another
// bus, or on the default bus by naming none, is accepted as AWS accepts it and matches no rule
// there; AWS would lose it without a trace, so here it is counted and warned about.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EmittedEvent } from '#shared/domain/index.ts';
import { routesFor } from '#shared/routing.ts';
import { type EventPublisher, toPutEventsEntry } from '#shared/runtime/publisher.ts';
import { AWS_DEFAULT_BUS, acceptEntry, type BusEvent } from './eventbridge-endpoint.ts';
import type { LocalQueue } from './local-queue.ts';
import type { QueueJournal } from './queue-journal.ts';

export const LOCAL_BUS_NAME = 'device-supply';
/** After the first warning for a bus, one in this many of its events is warned about again. */
const WARN_EVERY = 1_000;

export class LocalBus {
  private readonly emittedList: BusEvent[] = [];
  private readonly emittedLog: string | undefined;
  // The counters of `POST /admin/drain` (docs/local-stack.md), each of one thing. An event
  // PutEvents accepted is counted in `accepted` and, unless a rule sends it to a consumer, in one
  // of `ignored`, `defaultBus` and `otherBus`; what the pipeline publishes is only in `emitted`.
  /** Events PutEvents accepted, whatever bus they were put on (not the pipeline's own). */
  accepted = 0;
  /** Accepted events on device-supply that no rule matched (an unknown detail-type, or a known one from another source): ignored, as EventBridge drops them. */
  ignored = 0;
  /** Events that named no bus, so went to the default bus, where this pipeline has no rules. */
  defaultBus = 0;
  /** Events put on a bus other than device-supply and default: no rule of this pipeline is there. */
  otherBus = 0;
  /** Events the pipeline itself published on device-supply (OrderRejected, StatementClosed …). */
  emitted = 0;
  private readonly offBusCounts = new Map<string, number>();

  constructor(
    private readonly queues: ReadonlyMap<string, LocalQueue>,
    private readonly journal: QueueJournal | undefined,
    dataDir: string | null,
    private readonly warn: (line: string) => void = () => {},
  ) {
    if (dataDir) {
      mkdirSync(dataDir, { recursive: true });
      this.emittedLog = join(dataDir, 'emitted-events.ndjson');
      if (existsSync(this.emittedLog)) {
        for (const line of readFileSync(this.emittedLog, 'utf8').split('\n')) {
          if (line.trim() === '') continue;
          try {
            this.emittedList.push(JSON.parse(line) as BusEvent);
          } catch {
            // a line cut short by a crash: the event was re-published when its outbox was retried
          }
        }
      }
    }
  }

  /** Routes the events PutEvents accepted to their queues; returns once they are journalled. */
  accept(events: readonly BusEvent[]): void {
    const messages: { queue: LocalQueue; body: string; messageId: string }[] = [];
    for (const event of events) {
      this.accepted++;
      if (event['event-bus-name'] !== LOCAL_BUS_NAME) {
        this.offBus(event);
        continue;
      }
      const routes = routesFor(event);
      if (routes.length === 0) this.ignored++;
      for (const route of routes) {
        const queue = this.queues.get(route.consumer);
        if (queue) messages.push({ queue, body: JSON.stringify(event), messageId: `${event.id}/${route.consumer}` });
      }
    }
    this.journal?.sent(messages.map((m) => ({ queue: m.queue.name, messageId: m.messageId, body: m.body })));
    for (const m of messages) m.queue.send(m.body, m.messageId);
  }

  /** Keeps what the pipeline published (no rule of this pipeline routes its own source). */
  private acceptEmitted(events: readonly BusEvent[]): void {
    if (events.length === 0) return;
    this.emitted += events.length;
    this.emittedList.push(...events);
    if (this.emittedLog) appendFileSync(this.emittedLog, events.map((e) => `${JSON.stringify(e)}\n`).join(''));
  }

  /** Counts an event that went to a bus without this pipeline's rules, and says so in the log. */
  private offBus(event: BusEvent): void {
    const bus = event['event-bus-name'];
    if (bus === AWS_DEFAULT_BUS) this.defaultBus++;
    else this.otherBus++;
    const seen = (this.offBusCounts.get(bus) ?? 0) + 1;
    this.offBusCounts.set(bus, seen);
    if (seen !== 1 && seen % WARN_EVERY !== 0) return;
    const where =
      bus === AWS_DEFAULT_BUS ? 'named no EventBusName, so it went to the default bus' : `went to the bus "${bus}"`;
    this.warn(
      `event ${event['detail-type']} from ${event.source} ${where}, not to "${LOCAL_BUS_NAME}": accepted, but no rule of this pipeline is there, so no consumer gets it (in AWS it would be lost without a trace); ${seen.toLocaleString('en-US')} event(s) to that bus so far`,
    );
  }

  emittedEvents(detailType?: string): BusEvent[] {
    return detailType ? this.emittedList.filter((e) => e['detail-type'] === detailType) : [...this.emittedList];
  }

  /**
   * The pipeline's publisher: the same entries and validation as PutEvents to AWS, handed to
   * the bus in process rather than over HTTP to itself.
   */
  publisher(): EventPublisher {
    return {
      publish: async (events: readonly EmittedEvent[]) => {
        const accepted: BusEvent[] = [];
        for (const event of events) {
          const entry = toPutEventsEntry(event, LOCAL_BUS_NAME);
          const outcome = acceptEntry(entry, LOCAL_BUS_NAME, new Date());
          if ('error' in outcome)
            throw new Error(
              `emitted event refused by the bus: ${outcome.error.ErrorCode} ${outcome.error.ErrorMessage}`,
            );
          accepted.push(outcome.event);
        }
        this.acceptEmitted(accepted);
      },
    };
  }
}
