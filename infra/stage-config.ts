// What differs between one deployment of the pipeline and another. Each value comes from CDK
// context (`-c key=value` or cdk.json), else from the environment, else a default; the account
// and region fall back to the ones the CLI resolved from the profile. Nothing here names an
// account: without one the stack is environment-agnostic, which is what an offline synth gives.
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ROUTES } from '#shared/routing.ts';

export interface StageConfig {
  /** Names the stack and prefixes what an operator looks up by name (alarms, schedules, API). */
  prefix: string;
  account?: string;
  region?: string;
  logRetention: RetentionDays;
  /** Subscribed to the alarm topic when set (the address must confirm the subscription). */
  alarmEmail?: string;
  /** SNS topics (PagerDuty, Chatbot, an existing on-call topic) every alarm notifies too. */
  alarmActionArns?: string[];
  /**
   * Per upstream source, the IAM roles or users that may put it on the bus (contract §1): the
   * bus policy lets each put its own source only and denies that source to anyone else.
   */
  producers: Partial<Record<string, string[]>>;
  /** The principal the finance read-only role trusts; without one no role is made (attach the policy). */
  financePrincipalArn?: string;
  /** Operators who may read and move messages of the key-encrypted dead-letter queues (SQS only). */
  deadLetterOperatorArns: string[];
  /** Sets API Gateway's account-wide CloudWatch Logs role for the region (once per account and region). */
  apiGatewayCloudWatchRole: boolean;
}

/** Reads context keys; `node.tryGetContext` fits, and so does a plain map in tests. */
export type ContextReader = (key: string) => unknown;

export const CONTEXT_KEYS = {
  prefix: { context: 'prefix', env: 'BILLING_PREFIX' },
  account: { context: 'account', env: 'CDK_DEFAULT_ACCOUNT' },
  region: { context: 'region', env: 'CDK_DEFAULT_REGION' },
  logRetentionDays: { context: 'logRetentionDays', env: 'BILLING_LOG_RETENTION_DAYS' },
  alarmEmail: { context: 'alarmEmail', env: 'BILLING_ALARM_EMAIL' },
  alarmActionArns: { context: 'alarmActionArns', env: 'BILLING_ALARM_ACTION_ARNS' },
  producers: { context: 'producers', env: 'BILLING_PRODUCERS' },
  financePrincipalArn: { context: 'financePrincipalArn', env: 'BILLING_FINANCE_PRINCIPAL_ARN' },
  deadLetterOperatorArns: { context: 'deadLetterOperatorArns', env: 'BILLING_DEAD_LETTER_OPERATOR_ARNS' },
  apiGatewayCloudWatchRole: { context: 'apiGatewayCloudWatchRole', env: 'BILLING_API_GATEWAY_CLOUDWATCH_ROLE' },
} as const;

/** The sources upstream systems put (shared/routing.ts): the only keys `producers` takes. */
export const UPSTREAM_SOURCES: readonly string[] = [...new Set(ROUTES.flatMap((route) => route.pattern.source))];

/**
 * A role or user, not an account root: the bus policy's deny compares the caller's
 * `aws:PrincipalArn`, which is a role or user ARN, never a root.
 */
const PRINCIPAL_ARN_RE = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/;

const DEFAULT_PREFIX = 'billing';
/** Long enough to investigate a disputed statement after the month it was closed in. */
const DEFAULT_LOG_RETENTION_DAYS = 90;

export function stageConfigFrom(context: ContextReader, env: NodeJS.ProcessEnv = process.env): StageConfig {
  const raw = (key: keyof typeof CONTEXT_KEYS): unknown => {
    const { context: contextKey, env: envKey } = CONTEXT_KEYS[key];
    const value = context(contextKey) ?? env[envKey];
    return value === undefined || value === null || value === '' ? undefined : value;
  };
  const read = (key: keyof typeof CONTEXT_KEYS): string | undefined => {
    const value = raw(key);
    return value === undefined ? undefined : String(value);
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

  // The CLI always sets CDK_DEFAULT_REGION, to us-east-1 when it found none (no profile, an
  // offline synth): a region from the environment counts only with an account beside it.
  const region = context(CONTEXT_KEYS.region.context) !== undefined || account ? read('region') : undefined;
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

  const producers = parseProducers(raw('producers'));

  const financePrincipalArn = read('financePrincipalArn');
  if (financePrincipalArn !== undefined && !PRINCIPAL_ARN_RE.test(financePrincipalArn))
    throw new Error(`financePrincipalArn "${financePrincipalArn}" is not an IAM role or user ARN`);

  const deadLetterOperatorArns = parseArnList(raw('deadLetterOperatorArns'), 'deadLetterOperatorArns');

  const cloudWatchRole = read('apiGatewayCloudWatchRole') ?? 'false';
  if (cloudWatchRole !== 'true' && cloudWatchRole !== 'false')
    throw new Error(`apiGatewayCloudWatchRole "${cloudWatchRole}" is not true or false`);

  const config: StageConfig = {
    prefix,
    logRetention: retentionDays as RetentionDays,
    producers,
    deadLetterOperatorArns,
    apiGatewayCloudWatchRole: cloudWatchRole === 'true',
  };
  if (financePrincipalArn) config.financePrincipalArn = financePrincipalArn;
  if (account) config.account = account;
  if (region) config.region = region;
  if (alarmEmail) config.alarmEmail = alarmEmail;
  const alarmActionArns = alarmActionArnsFrom(raw('alarmActionArns'), region);
  if (alarmActionArns.length > 0) config.alarmActionArns = alarmActionArns;
  return config;
}

const SNS_TOPIC_ARN = /^arn:aws(-[a-z]+)*:sns:([a-z]{2}(-[a-z]+)+-\d):(\d{12}):[A-Za-z0-9_-]{1,256}$/;

/**
 * A list in cdk.json, a JSON array or comma-separated text on the command line. CloudWatch
 * alarms notify standard SNS topics of their own region only, so others are refused here.
 */
function alarmActionArnsFrom(value: unknown, region: string | undefined): string[] {
  const list =
    typeof value === 'string' && value.trim().startsWith('[') ? jsonValue(value, 'alarmActionArns') : (value ?? []);
  const items = Array.isArray(list) ? list : String(list).split(',');
  const arns = items.map((arn) => String(arn).trim()).filter((arn) => arn !== '');
  for (const arn of arns) {
    const match = SNS_TOPIC_ARN.exec(arn);
    if (!match) throw new Error(`alarmActionArns: "${arn}" is not the ARN of a standard SNS topic`);
    if (region !== undefined && match[2] !== region)
      throw new Error(
        `alarmActionArns: "${arn}" is in ${match[2]}; alarms of ${region} notify topics of ${region} only`,
      );
  }
  if (new Set(arns).size !== arns.length) throw new Error('alarmActionArns: a topic is listed twice');
  return arns;
}

/** JSON text (`-c key='…'`, an environment variable) or the value itself (cdk.json). */
function jsonValue(value: unknown, what: string): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    throw new Error(`${what} is not JSON: ${value.slice(0, 80)}`);
  }
}

function parseArnList(value: unknown, what: string): string[] {
  if (value === undefined) return [];
  // A comma-separated list is what an operator types most easily; JSON arrays work too.
  const list =
    typeof value === 'string' && !value.trim().startsWith('[')
      ? value.split(',').map((arn) => arn.trim())
      : jsonValue(value, what);
  if (!Array.isArray(list) || list.length === 0) throw new Error(`${what} must be a non-empty list of ARNs`);
  for (const arn of list)
    if (typeof arn !== 'string' || !PRINCIPAL_ARN_RE.test(arn))
      throw new Error(`${what}: "${String(arn)}" is not an IAM role or user ARN`);
  return [...new Set(list as string[])];
}

function parseProducers(value: unknown): Partial<Record<string, string[]>> {
  if (value === undefined) return {};
  const map = jsonValue(value, 'producers');
  if (typeof map !== 'object' || map === null || Array.isArray(map))
    throw new Error('producers must be a JSON object: {"<source>": ["<role ARN>", …], …}');
  const producers: Partial<Record<string, string[]>> = {};
  for (const [source, arns] of Object.entries(map)) {
    if (!UPSTREAM_SOURCES.includes(source))
      throw new Error(`producers: "${source}" is not an upstream source (${UPSTREAM_SOURCES.join(', ')})`);
    producers[source] = parseArnList(arns, `producers["${source}"]`);
  }
  return producers;
}
