// `billing validate <file>`: the pipeline's own checks of a file of events, before anything is
// sent (local/validate-events.ts, as `POST /admin/validate` runs them): every problem with its
// line and field. No stack is needed; the exit code is 1 when there is any problem.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { validateEventText } from '../../validate-events.ts';
import { type CliContext, CommandFailed } from '../context.ts';
import { describeProblem, problemCount } from '../event-file.ts';

async function validate(ctx: CliContext, file: string, options: { json?: boolean }): Promise<void> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CommandFailed(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  const report = validateEventText(text);
  const { problems } = report;
  const events = `${report.events} event${report.events === 1 ? '' : 's'}`;
  if (options.json) ctx.print(JSON.stringify({ valid: problems.length === 0, ...report }, null, 2));
  else if (problems.length === 0) ctx.print(`${file}: ${events}, no problems`);
  else {
    // The count is the number of lines that follow, one a problem.
    ctx.print(`${file}: ${problemCount(problems.length)} (${events} read)`);
    for (const problem of problems) ctx.print(`  ${describeProblem(problem)}`);
  }
  if (problems.length > 0) throw new CommandFailed(`${problemCount(problems.length)} in ${file}`);
}

export function registerValidate(program: Command, ctx: CliContext): void {
  program
    .command('validate')
    .description(
      "check a file of events as the pipeline would (the bus, the routing, the contract's schemas), listing every problem with its line and field; needs no stack",
    )
    .argument('<file>', 'events file (.ndjson or .json), as `billing send` takes it')
    .option('--json', 'the report as POST /admin/validate answers it: {valid, events, problems}')
    .action((file: string, options: { json?: boolean }) => validate(ctx, file, options));
}
