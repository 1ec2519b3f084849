// The customer-managed KMS key of what keeps raw inbound events at rest (birth dates, payment
// methods): the dead-letter queues of the consumers, the close, the bus deliveries and the
// invocations, and the bus archive. Its policy gives the account only the key's administration,
// never its use, so no IAM policy in the account can read those messages; the pipeline's own
// roles, EventBridge and the operators named in the stage config are the key's only users.
// The alarm topic has a key of its own (alarm texts are not personal data, CloudWatch must use it).
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AccountRootPrincipal,
  ArnPrincipal,
  type IPrincipal,
  type IRole,
  PolicyDocument,
  PolicyStatement,
  ServicePrincipal,
} from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/**
 * Administration without use: CDK's admin actions, less `kms:CreateGrant` (a grant is a way
 * to use the key) and the cryptographic ones. Keeping `kms:PutKeyPolicy` is what KMS requires
 * so that the key stays manageable; changing the policy is an act CloudTrail records.
 */
export const KEY_ADMIN_ACTIONS = [
  'kms:CreateAlias',
  'kms:Describe*',
  'kms:Enable*',
  'kms:List*',
  'kms:Put*',
  'kms:Update*',
  'kms:Revoke*',
  'kms:Disable*',
  'kms:Get*',
  'kms:Delete*',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
];
/** What SQS asks of a key for a principal that sends (GenerateDataKey) or receives (Decrypt). */
export const KEY_USE_ACTIONS = ['kms:Decrypt', 'kms:GenerateDataKey'];

export interface PipelineKeyProps {
  /** Stage config `deadLetterOperatorArns`: may use the key through SQS only (inspect, move back). */
  operatorArns: readonly string[];
}

export class PipelineKey extends Construct {
  readonly key: Key;

  constructor(scope: Construct, id: string, props: PipelineKeyProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.key = new Key(this, 'Key', {
      description: 'Raw inbound events at rest: dead-letter queues and the bus archive of the billing pipeline',
      enableKeyRotation: true,
      // Deleting the key would make the archive and any message left unreadable.
      removalPolicy: RemovalPolicy.RETAIN,
      policy: new PolicyDocument({
        statements: [
          new PolicyStatement({
            sid: 'AccountAdministersNeverUses',
            principals: [new AccountRootPrincipal()],
            actions: KEY_ADMIN_ACTIONS,
            resources: ['*'],
          }),
        ],
      }),
    });
    // EventBridge writes undeliverable events to the bus-delivery dead-letter queue with its own
    // service identity (the archive's statements are added by aws-cdk-lib's Archive).
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'EventBridgeDeadLetters',
        principals: [new ServicePrincipal('events.amazonaws.com')],
        actions: KEY_USE_ACTIONS,
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
    if (props.operatorArns.length > 0) {
      this.key.addToResourcePolicy(
        new PolicyStatement({
          sid: 'OperatorsThroughSqsOnly',
          principals: props.operatorArns.map((arn) => new ArnPrincipal(arn)),
          actions: KEY_USE_ACTIONS,
          resources: ['*'],
          conditions: { StringEquals: { 'kms:ViaService': `sqs.${stack.region}.${stack.urlSuffix}` } },
        }),
      );
    }
  }

  /**
   * The pipeline roles that send to or consume a queue under this key (a consumer's receive
   * is what moves a message to its dead-letter queue). Named in the key policy, since the
   * account's IAM policies cannot grant this key.
   */
  allowRoles(roles: readonly IRole[]): void {
    const principals: IPrincipal[] = roles.map((role) => new ArnPrincipal(role.roleArn));
    this.key.addToResourcePolicy(
      new PolicyStatement({ sid: 'PipelineRoles', principals, actions: KEY_USE_ACTIONS, resources: ['*'] }),
    );
  }
}

/**
 * The alarm topic's key. CloudWatch publishes to an encrypted topic only with a customer-managed
 * key that lets it (AWS's alias/aws/sns key does not): the account keeps the default key policy,
 * since alarm texts name resources, never customers.
 */
export function alarmTopicKey(scope: Construct, id: string): Key {
  const key = new Key(scope, id, {
    description: 'Alarm notifications of the billing pipeline (SNS topic)',
    enableKeyRotation: true,
  });
  key.addToResourcePolicy(
    new PolicyStatement({
      sid: 'CloudWatchAlarmsPublish',
      principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } },
    }),
  );
  return key;
}
