// One CloudWatch dashboard for the operator (docs/deploy.md, operations): what comes in, what
// waits or is dead-lettered, how the month's close goes, how fast finance is answered, and
// whether anything is throttled. Its metrics are the alarms' own, so a graph and an alarm
// never disagree about what they count.
import { Duration } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import {
  Dashboard,
  GraphWidget,
  type IMetric,
  LogQueryVisualizationType,
  LogQueryWidget,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import { Operation, type Table } from 'aws-cdk-lib/aws-dynamodb';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ROUTES } from '#shared/routing.ts';
import type { FunctionWithLogGroup } from './function-with-log-group.ts';
import type { PipelineAlarms } from './pipeline-alarms.ts';

const PERIOD = Duration.minutes(5);
const WIDTH = 12;
const HEIGHT = 6;
const pairOf = ({ queue, deadLetterQueue }: QueuePair): QueuePair => ({ queue, deadLetterQueue });

/** A work queue and its dead-letter queue (a WorkQueue of queues.ts). */
export interface QueuePair {
  queue: IQueue;
  deadLetterQueue: IQueue;
}

interface DashboardQueue extends QueuePair {
  /** As the operator calls it: `orders`, `close`. */
  name: string;
}

export interface PipelineDashboardProps {
  prefix: string;
  /** By consumer (`shared/routing.ts`). */
  consumerQueues: Record<string, QueuePair>;
  closeQueue: QueuePair;
  /** The months' entries exports (export-bucket.ts). */
  exportQueue: QueuePair;
  closeShard: FunctionWithLogGroup;
  alarms: PipelineAlarms;
  financeApi: RestApi;
  table: Table;
  /** Every function of the stack; the ingest ones are told by their entry (`shared/routing.ts`). */
  functions: FunctionWithLogGroup[];
}

export class PipelineDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: PipelineDashboardProps) {
    super(scope, id);
    const consumerQueues = Object.entries(props.consumerQueues).map(([name, pair]) => ({ name, ...pairOf(pair) }));
    const closeQueue = { name: 'close', ...pairOf(props.closeQueue) };
    const queues = [...consumerQueues, closeQueue, { name: 'export', ...pairOf(props.exportQueue) }];
    const ingestLogGroups = props.functions
      .filter((fn) => ROUTES.some((route) => route.handlerEntry === fn.entryPath))
      .map((fn) => fn.logGroup);
    const perQueue = (metric: (q: DashboardQueue) => IMetric, of: DashboardQueue[] = queues) => of.map(metric);
    const graph = (title: string, left: IMetric[], right: IMetric[] = []) =>
      new GraphWidget({ title, left, right, width: WIDTH, height: HEIGHT, period: PERIOD });
    const logQuery = (title: string, logGroups: ILogGroup[], query: string) =>
      new LogQueryWidget({
        title,
        logGroupNames: logGroups.map((group) => group.logGroupName),
        queryString: query,
        view: LogQueryVisualizationType.LINE,
        width: WIDTH,
        height: HEIGHT,
      });

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `${props.prefix}-billing`,
      defaultInterval: Duration.days(1),
    });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: `# ${props.prefix} billing pipeline\nAlarms and what to do about each: docs/deploy.md, "When an alarm fires".`,
        width: 24,
        height: 1,
      }),
    );
    this.dashboard.addWidgets(
      graph(
        'Ingest: events routed to the consumer queues, and received by their functions',
        perQueue(
          (q) => q.queue.metricNumberOfMessagesSent({ statistic: 'Sum', label: `${q.name} sent` }),
          consumerQueues,
        ),
        perQueue(
          (q) => q.queue.metricNumberOfMessagesReceived({ statistic: 'Sum', label: `${q.name} received` }),
          consumerQueues,
        ),
      ),
      graph(
        'Queues: backlog (left) and age of the oldest message, seconds (right)',
        perQueue((q) => q.queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', label: q.name })),
        perQueue((q) => q.queue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', label: `${q.name} age` })),
      ),
    );
    this.dashboard.addWidgets(
      graph(
        'Dead letters: stored in the table (left), in the dead-letter queues (right)',
        [props.alarms.deadLetteredMetric.with({ label: 'events dead-lettered in the table' })],
        perQueue((q) =>
          q.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', label: q.name }),
        ),
      ),
      // Ingest logs every record's result; a waiting event waits with its customer until what it
      // names arrives, or is dead-lettered by the sweep after 7 days.
      logQuery(
        'Events put to wait (an order, device or claim not known yet), by consumer',
        ingestLogGroups,
        'filter message = "event processed" and result = "waiting" | stats count() as waiting by bin(5m), consumer',
      ),
    );
    this.dashboard.addWidgets(
      logQuery(
        'Monthly close: customers closed and held, per 5 minutes',
        [props.closeShard.logGroup],
        'filter message = "close shard progress" | stats sum(closed) as closed, sum(held) as held by bin(5m)',
      ),
      graph(
        'Monthly close: shard messages waiting (left), customers held (right)',
        [
          closeQueue.queue.metricApproximateNumberOfMessagesVisible({
            statistic: 'Maximum',
            label: 'shards waiting',
          }),
        ],
        props.alarms.heldMetric ? [props.alarms.heldMetric.with({ label: 'customers held' })] : [],
      ),
    );
    this.dashboard.addWidgets(
      graph(
        'Finance API latency, ms (p50, p99) and errors (right)',
        [
          props.financeApi.metricLatency({ statistic: 'p50', label: 'p50' }),
          props.financeApi.metricLatency({ statistic: 'p99', label: 'p99' }),
        ],
        [
          props.financeApi.metricClientError({ statistic: 'Sum', label: '4XX' }),
          props.financeApi.metricServerError({ statistic: 'Sum', label: '5XX' }),
        ],
      ),
      graph(
        'Throttles: Lambda (left), DynamoDB requests (right)',
        props.functions.map((fn) => fn.metricThrottles({ statistic: 'Sum', label: fn.node.id })),
        [
          props.table.metricThrottledRequestsForOperations({
            operations: [
              Operation.GET_ITEM,
              Operation.BATCH_GET_ITEM,
              Operation.QUERY,
              Operation.PUT_ITEM,
              Operation.UPDATE_ITEM,
              Operation.DELETE_ITEM,
              Operation.BATCH_WRITE_ITEM,
            ],
            label: 'table throttled requests',
            period: PERIOD,
          }),
        ],
      ),
    );
  }
}
