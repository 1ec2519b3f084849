// One local stack per data folder: dynalite's LevelDB cannot be shared, and two stacks on one
// journal would each replay the other's events. A pid file says who holds the folder.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const heldHere = new Set<string>();

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class DataDirInUseError extends Error {
  constructor(dataDir: string, holder: string) {
    super(
      `the data folder ${dataDir} is in use by another local stack (${holder}); stop it, or give this one its own folder with BILLING_DATA_DIR`,
    );
    this.name = 'DataDirInUseError';
  }
}

/** Takes the folder for this process; a pid file left by a stack that died is taken over. */
export function lockDataDir(dataDir: string): () => void {
  const file = join(dataDir, 'stack.pid');
  if (heldHere.has(dataDir)) throw new DataDirInUseError(dataDir, 'a stack in this same process');
  if (existsSync(file)) {
    const pid = Number(readFileSync(file, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isRunning(pid))
      throw new DataDirInUseError(dataDir, `pid ${pid}`);
  }
  writeFileSync(file, `${process.pid}\n`);
  heldHere.add(dataDir);
  return () => {
    heldHere.delete(dataDir);
    rmSync(file, { force: true });
  };
}
