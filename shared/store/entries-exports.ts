// The state of each month's entries export (shared/runtime/entries-export.ts): one item beside
// the month's close, written only by conditional writes, so that two exports of one month at
// once never both run and a crashed one is taken over once it is stale.
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Month } from '../domain/calendar.ts';
import { isConditionFailure } from './client.ts';
import { CLOSE_PK, exportSk } from './keys.ts';

export interface RunningExport {
  month: Month;
  state: 'running';
  /** Names the run that holds the export: only it may finish or fail it. */
  runId: string;
  startedAt: string;
}

export interface ReadyExport {
  month: Month;
  state: 'ready';
  runId: string;
  startedAt: string;
  finishedAt: string;
  /** Data rows, the header not counted. */
  rows: number;
  /** Bytes of the file, the BOM and the header included. */
  bytes: number;
  /** Where the file is: the S3 object key in the cloud, the file name in the data folder locally. */
  objectKey: string;
}

export interface FailedExport {
  month: Month;
  state: 'failed';
  runId: string;
  startedAt: string;
  failedAt: string;
  reason: string;
}

export type EntriesExport = RunningExport | ReadyExport | FailedExport;

/** A reason is kept short enough for any item and any screen; the log keeps the whole error. */
const REASON_MAX = 500;

export class EntriesExportStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(month: Month): Promise<EntriesExport | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: CLOSE_PK, sk: exportSk(month) }, ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const { pk: _pk, sk: _sk, type: _type, ...state } = Item;
    return state as EntriesExport;
  }

  /**
   * Takes the month's export for `runId`: when there is none, it is ready or failed (a
   * re-export), or it is running but started before `staleBefore` (its run crashed). Returns
   * the export that holds it otherwise.
   */
  async claim(
    month: Month,
    runId: string,
    at: string,
    staleBefore: string,
  ): Promise<{ claimed: true } | { claimed: false; holder: EntriesExport | undefined }> {
    const running: RunningExport = { month, state: 'running', runId, startedAt: at };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: CLOSE_PK, sk: exportSk(month), type: 'export', ...running },
          ConditionExpression: 'attribute_not_exists(pk) OR #state <> :running OR startedAt < :stale',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':running': 'running', ':stale': staleBefore },
        }),
      );
      return { claimed: true };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return { claimed: false, holder: await this.get(month) };
    }
  }

  /** Ends the run `state.runId` holds; false if another run took the export over meanwhile. */
  async end(state: ReadyExport | FailedExport): Promise<boolean> {
    const item = state.state === 'failed' ? { ...state, reason: state.reason.slice(0, REASON_MAX) } : state;
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: CLOSE_PK, sk: exportSk(state.month), type: 'export', ...item },
          ConditionExpression: '#state = :running AND runId = :run',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':running': 'running', ':run': state.runId },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
