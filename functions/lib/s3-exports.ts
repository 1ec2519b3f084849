// The cloud's sink of the entries export: streams a month's file to the export bucket as a
// multipart upload, visible only once complete. Only the export function loads it: the local
// stack writes to its data folder (local/file-export-sink.ts).

import { PassThrough } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Month } from '#shared/domain/index.ts';
import {
  EXPORT_OBJECT_PREFIX,
  type ExportSink,
  entriesFileName,
  type OpenExportSink,
} from '#shared/runtime/entries-export.ts';

/**
 * Parts of the multipart upload, and how many are in memory at once: 8 MB × 4 bounds the
 * upload's memory at 32 MB whatever the month's size (10,000 parts reach 80 GB).
 */
const PART_BYTES = 8 * 2 ** 20;
const PARTS_IN_FLIGHT = 4;

export const exportObjectKey = (month: Month): string => `${EXPORT_OBJECT_PREFIX}${entriesFileName(month)}`;

export function s3ExportSink(client: S3Client, bucket: string): OpenExportSink {
  return (month: Month): ExportSink => {
    const body = new PassThrough();
    const key = exportObjectKey(month);
    const upload = new Upload({
      client,
      params: {
        Bucket: bucket,
        Key: key,
        Body: body,
        ContentType: 'text/csv; charset=utf-8',
        ContentDisposition: `attachment; filename="${entriesFileName(month)}"`,
      },
      partSize: PART_BYTES,
      queueSize: PARTS_IN_FLIGHT,
      // A failed upload is aborted, its parts deleted: the bucket never holds a half file.
      leavePartsOnError: false,
    });
    const done = upload.done();
    // Awaited by commit; a failure before it is reported there, or dropped by abort.
    done.catch(() => {});
    return {
      stream: body,
      commit: async () => {
        await done;
        return key;
      },
      abort: async () => {
        body.destroy();
        await upload.abort().catch(() => {});
      },
    };
  };
}
