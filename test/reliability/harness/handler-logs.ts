// The handler logs one JSON line per record; thousands of them would bury the report. They are
// silenced, and the error a record failed with is kept by messageId, for the report to show.
import { logger } from '../../../functions/lib/logger.ts';

const errors = new Map<string, string>();

logger.setLogLevel('SILENT');
logger.error = (message: string, ...extra: unknown[]) => {
  const fields = (extra[0] ?? {}) as { messageId?: string; error?: string };
  if (fields.messageId) errors.set(fields.messageId, fields.error ?? message);
};

/** The error logged for a failed record, once (it is forgotten as it is read). */
export function takeLoggedError(messageId: string): string | undefined {
  const error = errors.get(messageId);
  errors.delete(messageId);
  return error;
}
