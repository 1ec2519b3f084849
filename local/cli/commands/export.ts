// `billing export <month>`: writes a month's entries file again, for any closed month of the
// last EXPORT_RETENTION_YEARS years (auditors' older months; the finance API reads 12).
import type { Command } from 'commander';
import { EXPORT_RETENTION_YEARS } from '#shared/domain/policy.ts';
import { parseMonth } from '../arguments.ts';
import type { CliContext } from '../context.ts';
import { jstTimestamp } from '../format.ts';

interface ExportAnswer {
  month: string;
  state: 'ready' | 'running';
  rows?: number;
  bytes?: number;
  objectKey?: string;
  startedAt: string;
}

async function exportMonth(ctx: CliContext, month: string): Promise<void> {
  const client = ctx.client();
  const answer = await client.json<ExportAnswer>('POST', '/admin/export', { month });
  if (answer.state === 'running') {
    ctx.print(`the export of ${month} is already running (since ${jstTimestamp(answer.startedAt)})`);
    return;
  }
  const mb = ((answer.bytes ?? 0) / 2 ** 20).toFixed(1);
  ctx.print(
    `exported ${month}: ${answer.rows} entr${answer.rows === 1 ? 'y' : 'ies'}, ${mb} MB, ${client.url}/downloads/${answer.objectKey}`,
  );
}

export function registerExport(program: Command, ctx: CliContext): void {
  program
    .command('export')
    .description(
      `write a closed month's entries file again (CSV with a BOM, in the data folder's exports/), any month of the last ${EXPORT_RETENTION_YEARS} years`,
    )
    .argument('<month>', 'the month, YYYY-MM', parseMonth)
    .action((month: string) => exportMonth(ctx, month));
}
