// What every command gets: the stack it talks to and where its output goes. Commands write
// through this rather than to process.stdout, so the program can be run and read in tests.
import { normalizeStackUrl, StackClient } from './stack-client.ts';

export interface CliIo {
  /** Writes text as given (commands add their own newlines). */
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** A progress bar only makes sense on a terminal; piped output stays clean. */
  stderrIsTTY: boolean;
  env: Readonly<Record<string, string | undefined>>;
}

export interface CliContext {
  io: CliIo;
  /** The stack's address, from --url (read when a command runs, after options are parsed), checked. */
  url: () => string;
  client: () => StackClient;
  /** One line to stdout. */
  print: (line: string) => void;
  /** One line to stderr, for what is not the command's result (notes, progress, warnings). */
  note: (line: string) => void;
}

/** Exit with this code after the command has said why (e.g. some events were refused). */
export class CommandFailed extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CommandFailed';
  }
}

export function createContext(io: CliIo, url: () => string): CliContext {
  let client: StackClient | undefined;
  return {
    io,
    url: () => normalizeStackUrl(url()),
    client: () => (client ??= new StackClient(url())),
    print: (line) => io.stdout(`${line}\n`),
    note: (line) => io.stderr(`${line}\n`),
  };
}
