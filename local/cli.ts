// Entry of `npx billing` (bin/billing.js loads it through tsx): runs the command line on this
// process's arguments and streams, and leaves with its exit code.
import { runCli } from './cli/program.ts';

// `billing report 2026-10 --csv | head` closes the pipe early; that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  stderrIsTTY: process.stderr.isTTY === true,
  env: process.env,
});
