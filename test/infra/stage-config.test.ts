import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { stageConfigFrom } from '../../infra/stage-config.ts';

const contextOf = (values: Record<string, string>) => (key: string) => values[key];
const noContext = () => undefined;

describe('stage configuration', () => {
  it('defaults to the billing prefix, 90 days of logs, no account, region or alarm e-mail', () => {
    expect(stageConfigFrom(noContext, {})).toEqual({ prefix: 'billing', logRetention: RetentionDays.THREE_MONTHS });
  });

  it('takes context before the environment, and the profile’s account and region from the CLI', () => {
    const env = {
      BILLING_PREFIX: 'from-env',
      BILLING_ALARM_EMAIL: 'env@example.com',
      CDK_DEFAULT_ACCOUNT: '111111111111',
      CDK_DEFAULT_REGION: 'us-east-1',
    };
    expect(
      stageConfigFrom(contextOf({ prefix: 'prod', region: 'ap-northeast-1', logRetentionDays: '365' }), env),
    ).toEqual({
      prefix: 'prod',
      account: '111111111111',
      region: 'ap-northeast-1',
      logRetention: RetentionDays.ONE_YEAR,
      alarmEmail: 'env@example.com',
    });
  });

  it.each([
    [{ prefix: 'Prod' }, /prefix "Prod"/],
    [{ account: '12345' }, /12-digit/],
    [{ region: 'tokyo' }, /region "tokyo"/],
    [{ logRetentionDays: '45' }, /logRetentionDays 45 is not one CloudWatch Logs offers/],
    [{ alarmEmail: 'ops' }, /alarmEmail "ops"/],
  ])('refuses %o', (context, message) => {
    expect(() => stageConfigFrom(contextOf(context), {})).toThrow(message);
  });
});
