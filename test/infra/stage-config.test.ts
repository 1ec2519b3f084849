import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { stageConfigFrom, UPSTREAM_SOURCES } from '../../infra/stage-config.ts';

const contextOf = (values: Record<string, unknown>) => (key: string) => values[key];
/** What every config without the stage's own settings has. */
const UNSET = { producers: {}, deadLetterOperatorArns: [], apiGatewayCloudWatchRole: false };
const ORDERS_ROLE = 'arn:aws:iam::111122223333:role/orders-publisher';
const CLAIMS_ROLE = 'arn:aws:iam::444455556666:role/claims/publisher';
const noContext = () => undefined;

describe('stage configuration', () => {
  it('defaults to the billing prefix, 90 days of logs, no account, region, alarm e-mail, producers, finance principal or account-wide setting', () => {
    expect(stageConfigFrom(noContext, {})).toEqual({
      prefix: 'billing',
      logRetention: RetentionDays.THREE_MONTHS,
      ...UNSET,
    });
  });

  it('ignores the region the CLI sets when it resolved no account (its us-east-1 fallback offline): environment-agnostic', () => {
    expect(stageConfigFrom(noContext, { CDK_DEFAULT_REGION: 'us-east-1' }).region).toBeUndefined();
    // Told explicitly, the region counts even without an account.
    expect(stageConfigFrom(contextOf({ region: 'ap-northeast-1' }), { CDK_DEFAULT_REGION: 'us-east-1' }).region).toBe(
      'ap-northeast-1',
    );
    expect(
      stageConfigFrom(noContext, { CDK_DEFAULT_ACCOUNT: '111111111111', CDK_DEFAULT_REGION: 'ap-northeast-1' }).region,
    ).toBe('ap-northeast-1');
  });

  it('reads producers per upstream source from JSON text (-c, environment) or an object (cdk.json)', () => {
    const json = JSON.stringify({ 'device-supply.orders': [ORDERS_ROLE], 'device-supply.claims': [CLAIMS_ROLE] });
    const expected = { 'device-supply.orders': [ORDERS_ROLE], 'device-supply.claims': [CLAIMS_ROLE] };
    expect(stageConfigFrom(contextOf({ producers: json }), {}).producers).toEqual(expected);
    expect(stageConfigFrom(noContext, { BILLING_PRODUCERS: json }).producers).toEqual(expected);
    expect(stageConfigFrom(contextOf({ producers: JSON.parse(json) }), {}).producers).toEqual(expected);
    // A comma-separated list per source works too, and duplicates collapse.
    expect(
      stageConfigFrom(contextOf({ producers: { 'device-supply.orders': `${ORDERS_ROLE}, ${ORDERS_ROLE}` } }), {})
        .producers,
    ).toEqual({ 'device-supply.orders': [ORDERS_ROLE] });
    expect(UPSTREAM_SOURCES).toEqual(['device-supply.orders', 'device-supply.claims', 'device-supply.logistics']);
  });

  it('reads the finance principal, the dead-letter operators and the API Gateway account flag', () => {
    const config = stageConfigFrom(
      contextOf({
        financePrincipalArn: 'arn:aws:iam::111122223333:role/finance',
        deadLetterOperatorArns: `${ORDERS_ROLE},arn:aws:iam::111122223333:user/ops`,
        apiGatewayCloudWatchRole: 'true',
      }),
      {},
    );
    expect(config).toMatchObject({
      financePrincipalArn: 'arn:aws:iam::111122223333:role/finance',
      deadLetterOperatorArns: [ORDERS_ROLE, 'arn:aws:iam::111122223333:user/ops'],
      apiGatewayCloudWatchRole: true,
    });
    expect(stageConfigFrom(contextOf({ apiGatewayCloudWatchRole: true }), {}).apiGatewayCloudWatchRole).toBe(true);
    expect(stageConfigFrom(noContext, { BILLING_API_GATEWAY_CLOUDWATCH_ROLE: 'false' }).apiGatewayCloudWatchRole).toBe(
      false,
    );
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
      ...UNSET,
    });
  });

  it.each([
    [{ prefix: 'Prod' }, /prefix "Prod"/],
    [{ account: '12345' }, /12-digit/],
    [{ region: 'tokyo' }, /region "tokyo"/],
    [{ logRetentionDays: '45' }, /logRetentionDays 45 is not one CloudWatch Logs offers/],
    [{ alarmEmail: 'ops' }, /alarmEmail "ops"/],
    [{ producers: '{"device-supply.orders":' }, /producers is not JSON/],
    [{ producers: '["arn:aws:iam::111122223333:role/x"]' }, /producers must be a JSON object/],
    [{ producers: { 'device-supply.billing': [ORDERS_ROLE] } }, /"device-supply.billing" is not an upstream source/],
    [{ producers: { 'device-supply.order': [ORDERS_ROLE] } }, /"device-supply.order" is not an upstream source/],
    [{ producers: { 'device-supply.orders': [] } }, /producers\["device-supply.orders"\] must be a non-empty list/],
    [{ producers: { 'device-supply.orders': ['arn:aws:iam::111122223333:root'] } }, /is not an IAM role or user ARN/],
    [{ producers: { 'device-supply.orders': ['111122223333'] } }, /is not an IAM role or user ARN/],
    [
      { financePrincipalArn: 'arn:aws:iam::111122223333:root' },
      /financePrincipalArn .* is not an IAM role or user ARN/,
    ],
    [{ deadLetterOperatorArns: 'ops' }, /deadLetterOperatorArns: "ops" is not an IAM role or user ARN/],
    [{ apiGatewayCloudWatchRole: 'yes' }, /apiGatewayCloudWatchRole "yes" is not true or false/],
  ])('refuses %o', (context, message) => {
    expect(() => stageConfigFrom(contextOf(context), {})).toThrow(message);
  });
});
