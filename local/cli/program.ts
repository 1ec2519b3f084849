// The `billing` command line: a commander program whose commands talk to a running local
// stack over HTTP (and PutEvents). `runCli` returns the exit code instead of exiting, so that
// the same program runs from the bin and in tests.
import { Command, CommanderError } from 'commander';
import { registerDeadLetterCommands } from './commands/dead-letters.ts';
import { registerExport } from './commands/export.ts';
import { registerOperations } from './commands/operations.ts';
import { registerReport } from './commands/report.ts';
import { registerSend } from './commands/send.ts';
import { registerStatementCommands } from './commands/statement.ts';
import { registerValidate } from './commands/validate.ts';
import { type CliIo, CommandFailed, createContext } from './context.ts';
import { EventFileError } from './event-file.ts';
import {
  DEFAULT_STACK_URL,
  InvalidStackUrlError,
  NotBillingStackError,
  StackError,
  StackUnreachableError,
} from './stack-client.ts';

export function buildProgram(io: CliIo): Command {
  const program = new Command('billing');
  const ctx = createContext(io, () => program.opts<{ url: string }>().url);
  program
    .description(
      'Drive a running device-supply-billing local stack (npm start): send events, close months, read statements.',
    )
    .option('--url <url>', 'the local stack (env BILLING_URL)', io.env.BILLING_URL || DEFAULT_STACK_URL)
    .showHelpAfterError('(billing --help lists the commands)')
    // Errors and help are thrown back to runCli rather than ending the process from inside commander.
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  registerValidate(program, ctx);
  registerSend(program, ctx);
  registerStatementCommands(program, ctx);
  registerReport(program, ctx);
  registerExport(program, ctx);
  registerOperations(program, ctx);
  registerDeadLetterCommands(program, ctx);
  program.addHelpText(
    'after',
    [
      '',
      'Examples:',
      '  billing clock 2027-04-01T09:00:00+09:00',
      '  billing validate examples/fiscal-year-2026.ndjson',
      '  billing send examples/fiscal-year-2026.ndjson --drain',
      '  billing close 2027-03',
      '  billing statement CUST-1001 2026-10',
      '  billing report 2026-10 --csv > 2026-10.csv',
      '  billing export 2020-04',
    ].join('\n'),
  );
  return program;
}

/** What the user reads when a command fails: the API's code and message, or why nothing answered. */
export function describeError(error: unknown): string {
  if (error instanceof StackError) return `error: ${error.code} (HTTP ${error.status}): ${error.message}`;
  if (
    error instanceof StackUnreachableError ||
    error instanceof NotBillingStackError ||
    error instanceof InvalidStackUrlError ||
    error instanceof CommandFailed ||
    error instanceof EventFileError
  )
    return `error: ${error.message}`;
  return `error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
}

export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...args], { from: 'user' });
    return 0;
  } catch (error) {
    // Commander has already printed its own message (or the help) when it throws.
    if (error instanceof CommanderError) return error.exitCode;
    io.stderr(`${describeError(error)}\n`);
    return error instanceof CommandFailed ? error.exitCode : 1;
  }
}
