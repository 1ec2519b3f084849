// What differs between one deployment of the pipeline and another. Each value comes from CDK
// context (`-c key=value` or cdk.json), else from the environment, else a default; the account
// and region fall back to the ones the CLI resolved from the profile. Nothing here names an
// account: without one the stack is environment-agnostic, which is what an offline synth gives.
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

export interface StageConfig {
  /** Names the stack and prefixes what an operator looks up by name (alarms, schedules, API). */
  prefix: string;
  account?: string;
  region?: string;
  logRetention: RetentionDays;
  /** Subscribed to the alarm topic when set (the address must confirm the subscription). */
  alarmEmail?: string;
}

/** Reads context keys; `node.tryGetContext` fits, and so does a plain map in tests. */
export type ContextReader = (key: string) => unknown;

export const CONTEXT_KEYS = {
  prefix: { context: 'prefix', env: 'BILLING_PREFIX' },
  account: { context: 'account', env: 'CDK_DEFAULT_ACCOUNT' },
  region: { context: 'region', env: 'CDK_DEFAULT_REGION' },
  logRetentionDays: { context: 'logRetentionDays', env: 'BILLING_LOG_RETENTION_DAYS' },
  alarmEmail: { context: 'alarmEmail', env: 'BILLING_ALARM_EMAIL' },
} as const;

const DEFAULT_PREFIX = 'billing';
/** Long enough to investigate a disputed statement after the month it was closed in. */
const DEFAULT_LOG_RETENTION_DAYS = 90;

export function stageConfigFrom(context: ContextReader, env: NodeJS.ProcessEnv = process.env): StageConfig {
  const read = (key: keyof typeof CONTEXT_KEYS): string | undefined => {
    const { context: contextKey, env: envKey } = CONTEXT_KEYS[key];
    const value = context(contextKey) ?? env[envKey];
    if (value === undefined || value === null || value === '') return undefined;
    return String(value);
  };

  const prefix = read('prefix') ?? DEFAULT_PREFIX;
  if (!/^[a-z][a-z0-9-]{0,23}$/.test(prefix)) {
    throw new Error(
      `prefix "${prefix}": lower-case letters, digits and hyphens, starting with a letter, at most 24 characters`,
    );
  }

  const account = read('account');
  if (account !== undefined && !/^\d{12}$/.test(account))
    throw new Error(`account "${account}" is not a 12-digit AWS account id`);

  const region = read('region');
  if (region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region))
    throw new Error(`region "${region}" is not an AWS region name`);

  const retentionDays = Number(read('logRetentionDays') ?? DEFAULT_LOG_RETENTION_DAYS);
  if (!Object.values(RetentionDays).includes(retentionDays)) {
    const allowed = Object.values(RetentionDays).filter((v) => typeof v === 'number' && v > 0);
    throw new Error(`logRetentionDays ${retentionDays} is not one CloudWatch Logs offers (${allowed.join(', ')})`);
  }

  const alarmEmail = read('alarmEmail');
  if (alarmEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(alarmEmail))
    throw new Error(`alarmEmail "${alarmEmail}" is not an e-mail address`);

  const config: StageConfig = { prefix, logRetention: retentionDays as RetentionDays };
  if (account) config.account = account;
  if (region) config.region = region;
  if (alarmEmail) config.alarmEmail = alarmEmail;
  return config;
}
