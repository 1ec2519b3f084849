// The local stack's entries files: the export's sink, the month's file in the data folder's
// exports/, written under a temporary name and renamed when complete, and its download. A rename within one folder is atomic, so a crash
// mid-export never leaves a half file under the name finance downloads, and a re-export
// replaces the earlier file in one step.
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, statSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { Month } from '#shared/domain/index.ts';
import { type ExportSink, entriesFileName, type OpenExportSink } from '#shared/runtime/entries-export.ts';

/** The sink's folder under the data folder. */
export const EXPORTS_FOLDER = 'exports';

export function fileExportSink(folder: string): OpenExportSink {
  return (month: Month): ExportSink => {
    mkdirSync(folder, { recursive: true });
    const name = entriesFileName(month);
    // A dot file with the run's id: never taken for a finished export, nor shared by two runs.
    const partial = join(folder, `.${name}.${randomUUID()}.part`);
    const stream = createWriteStream(partial);
    return {
      stream,
      commit: async () => {
        await rename(partial, join(folder, name));
        return name;
      },
      abort: () => rm(partial, { force: true }),
    };
  };
}

/** Where finance downloads a month's entries file (the finance API's `url` for a ready export). */
export const DOWNLOADS_PATH = '/downloads/';
const ENTRIES_FILE = /^entries-\d{4}-\d{2}\.csv$/;

/** A month's entries file from the data folder, streamed, named after its month. */
export function download(res: ServerResponse, folder: string, pathname: string): void {
  // Not decoded: an export's name has nothing to encode.
  const name = pathname.slice(DOWNLOADS_PATH.length);
  const missing = () => {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'NOT_FOUND', message: `no file ${name.slice(0, 40)}` }));
  };
  // Only the export's own names: never a path out of the folder.
  if (!ENTRIES_FILE.test(name)) {
    missing();
    return;
  }
  const file = join(folder, name);
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    missing();
    return;
  }
  res.writeHead(200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-length': String(size),
    'content-disposition': `attachment; filename="${name}"`,
  });
  // The file is renamed into place whole, so whatever is opened here is a complete export.
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}
