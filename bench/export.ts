// The entries export at size: a month's entries over every customer, written by the local
// stack's `POST /admin/export` (what `billing export` and the close run) as the CSV file in the
// data folder, streamed shard by shard. Time, rows and MB, and the memory the export takes:
// the process's RSS sampled while it runs, above what it was before (the in-memory dynalite
// holding the month is in this process too, so its peak alone would measure the store).
import { closeTimeOf, type LedgerEntry, type Month } from '#shared/domain/index.ts';
import { CloseStatusStore } from '#shared/store/close-status.ts';
import { entryItem } from '#shared/store/customer-items.ts';
import { SHARD_COUNT } from '#shared/store/keys.ts';
import { LOCAL_TABLE_NAME } from '../local/embedded-dynamo.ts';
import { round, timed } from './measure.ts';
import { batchWriteAll, stackWithStore } from './seed.ts';
import { customerIdOf } from './workload.ts';

export interface ExportBenchOptions {
  customers: number;
}

const MONTH: Month = '2026-10';
const NOW = '2026-11-16T10:00:00+09:00';
const MODELS = ['Xperia 10 VII', 'Galaxy A56 5G', 'AQUOS sense9', 'iPhone 16e'];
/** A month of a customer with two devices on installments, each with protection: four entries. */
const DEVICES = 2;

function monthOf(customerId: string, index: number): LedgerEntry[] {
  return Array.from({ length: DEVICES }, (_, d) => {
    const model = MODELS[(index + d) % MODELS.length] ?? 'Xperia 10 VII';
    const deviceId = `D${d + 1}`;
    const k = 1 + ((index + d) % 24);
    const common = {
      customerId,
      deviceId,
      billingMonth: MONTH,
      businessDate: `${MONTH}-31`,
      causedBy: `close:${MONTH}`,
    };
    return [
      {
        ...common,
        entryId: `inst/${deviceId}/${k}`,
        kind: 'device_installment',
        taxClass: 'taxable-10',
        amountYen: 2_075 + d * 1_000,
        description: `Installment ${k} of 24, ${model}`,
        installment: { number: k, of: 24 },
      },
      {
        ...common,
        entryId: `prot/${deviceId}/${MONTH}`,
        kind: 'protection_fee',
        taxClass: 'taxable-10',
        amountYen: 418,
        description: `Protection fee ${MONTH}, ${model}`,
      },
    ] satisfies LedgerEntry[];
  }).flat();
}

/** Samples the RSS every few milliseconds until stopped: the peak while something runs. */
function sampleRss(everyMs = 20) {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, everyMs);
  return () => {
    clearInterval(timer);
    return Math.max(peak, process.memoryUsage().rss);
  };
}

const mb = (bytes: number) => round(bytes / 2 ** 20, 1);

export async function benchExport(options: ExportBenchOptions) {
  const { stack, doc, calls, post } = await stackWithStore(NOW);
  calls.restore();
  try {
    const seed = await timed(async () => {
      for (let from = 0; from < options.customers; from += 1_000) {
        const items = Array.from({ length: Math.min(1_000, options.customers - from) }, (_, k) =>
          monthOf(customerIdOf('X', from + k), from + k),
        )
          .flat()
          .map(entryItem);
        await batchWriteAll(doc, LOCAL_TABLE_NAME, items);
      }
      const closes = new CloseStatusStore(doc, LOCAL_TABLE_NAME);
      await closes.start(MONTH, closeTimeOf(MONTH));
      for (let shard = 0; shard < SHARD_COUNT; shard++) await closes.shardDone(MONTH, shard, closeTimeOf(MONTH));
    });

    // What the process holds before the export: the store's month, the stack, the seed's garbage collected.
    globalThis.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const stop = sampleRss();
    const run = await timed(() => post('/admin/export', { month: MONTH }));
    const rssPeak = stop();
    const answer = run.value as { state: string; rows: number; bytes: number };
    if (answer.state !== 'ready' || answer.rows !== options.customers * DEVICES * 2)
      throw new Error(`export answered ${JSON.stringify(answer)}`);
    // The file as finance downloads it: its size as the export said, a BOM first.
    const state = (await (await fetch(`${stack.url}/reports/${MONTH}/entries.csv`)).json()) as { url: string };
    const download = await fetch(`${stack.url}${state.url}`);
    let bytes = 0;
    let head = '';
    for await (const chunk of download.body as unknown as AsyncIterable<Uint8Array>) {
      if (bytes === 0) head = Buffer.from(chunk.subarray(0, 3)).toString('hex');
      bytes += chunk.length;
    }
    if (bytes !== answer.bytes || head !== 'efbbbf')
      throw new Error(`downloaded ${bytes} bytes starting ${head}; the export said ${answer.bytes}`);
    return {
      customers: options.customers,
      rows: answer.rows,
      fileMb: mb(bytes),
      seedSeconds: round(seed.seconds, 1),
      exportSeconds: round(run.seconds, 2),
      rowsPerSecond: Math.round(answer.rows / run.seconds),
      rssBeforeMb: mb(rssBefore),
      rssPeakMb: mb(rssPeak),
      exportRssMb: mb(rssPeak - rssBefore),
      // Within one invocation of the export function (15 minutes), in a fraction of its 1,024 MB.
      goalSeconds: 15 * 60,
      goalRssMb: 256,
    };
  } finally {
    await stack.close();
  }
}
