// Structured JSON logs. Log ids (customerId, eventId, claimId) and outcomes only: never an
// event's detail, which may hold a birth date or payment method.
import { Logger } from '@aws-lambda-powertools/logger';
import type { InjectLambdaContextOptions, LogLevel } from '@aws-lambda-powertools/logger/types';

/**
 * Powertools' Logger, except that a level set at run time holds across invocations. Before
 * every invocation but the first, injectLambdaContext calls refreshSampleRateCalculation,
 * which draws the debug-sampling lot again and otherwise resets the level to the one read at
 * construction (POWERTOOLS_LOG_LEVEL): that would undo the local stack's
 * `setLogLevel(BILLING_LOG_LEVEL ?? 'WARN')` from its second batch on, and a test's
 * `setLogLevel('INFO')`. Once setLogLevel has been called, its level wins and no invocation is
 * sampled at DEBUG. A deployed function never calls it (no function does), so in Lambda this is
 * Powertools' Logger unchanged, sampling included should POWERTOOLS_LOGGER_SAMPLE_RATE be set.
 */
class BillingLogger extends Logger {
  // Not a #private field: Logger's constructor may call setLogLevel (a sample drawn at
  // construction), before a subclass's #fields exist. This initializer then runs after it.
  private levelSetAtRunTime = false;

  override setLogLevel(logLevel: LogLevel): void {
    super.setLogLevel(logLevel);
    this.levelSetAtRunTime = true;
  }

  override refreshSampleRateCalculation(): void {
    // super's refresh sets the level through setLogLevel: the flag must not be raised by it.
    if (!this.levelSetAtRunTime) {
      super.refreshSampleRateCalculation();
      this.levelSetAtRunTime = false;
    }
  }
}

export const logger: Logger = new BillingLogger({ serviceName: 'device-supply-billing' });

/**
 * The options of every handler's `injectLambdaContext(logger, …)`, the first middleware of each
 * chain: it adds the invocation's context (function_request_id, function_name, cold_start…)
 * to every line.
 * - resetKeys: keys appended during an invocation (finance-api's correlation_id) end with it,
 *   never reaching the next invocation of the same environment.
 * - logEvent false, not left unset: unset, POWERTOOLS_LOGGER_LOG_EVENT=true in a function's
 *   environment would log every event whole, birth dates and payment methods with them.
 */
export const LAMBDA_CONTEXT_OPTIONS = {
  resetKeys: true,
  logEvent: false,
} as const satisfies InjectLambdaContextOptions;
