// Contract §1: the bus accepts each source only from its producers, and `device-supply.billing`
// only from the pipeline. A resource policy on the bus, from the stage config's `producers`:
//  - each producer may put its own source (an Allow, which a producer in another account needs);
//  - a Deny for everyone else on a source that has producers, whatever their IAM policies say;
//  - a Deny, always, of `device-supply.billing` to any principal but the pipeline's publishers:
//    this is what makes a forged StatementClosed impossible, in this account or any other.
// A source with no producers configured (an offline synth, a stage not wired yet) is left to
// IAM: only principals of this account whose policies allow PutEvents can put it.
// EventBridge checks each entry on its own: a refused one fails with NotAuthorizedForSourceException.
import { Annotations, Lazy } from 'aws-cdk-lib';
import type { EventBus } from 'aws-cdk-lib/aws-events';
import { AnyPrincipal, ArnPrincipal, Effect, type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { BILLING_SOURCE } from '#shared/schemas/outbound.ts';

export interface BusPolicyProps {
  bus: EventBus;
  /** Stage config `producers`: source → the role or user ARNs that put it. */
  producers: Partial<Record<string, string[]>>;
  /** Every upstream source of shared/routing.ts. */
  upstreamSources: readonly string[];
  /** The roles of the functions that publish the pipeline's decisions. */
  publishers: () => readonly IRole[];
}

const sidOf = (source: string) => source.replace(/[^A-Za-z0-9]/g, '');

export class BusPolicy extends Construct {
  constructor(scope: Construct, id: string, props: BusPolicyProps) {
    super(scope, id);
    const { bus } = props;
    const putEvents = (source: string) => ({
      actions: ['events:PutEvents'],
      resources: [bus.eventBusArn],
      conditions: { StringEquals: { 'events:source': source } },
    });
    for (const source of props.upstreamSources) {
      const arns = props.producers[source];
      if (!arns?.length) {
        Annotations.of(this).addWarningV2(
          `billing:unconfiguredProducer:${source}`,
          `No producers configured for ${source}: only principals of this account that IAM allows can put it (stage config "producers", docs/deploy.md).`,
        );
        continue;
      }
      bus.addToResourcePolicy(
        new PolicyStatement({
          sid: `ProducersPut${sidOf(source)}`,
          principals: arns.map((arn) => new ArnPrincipal(arn)),
          ...putEvents(source),
        }),
      );
      bus.addToResourcePolicy(
        new PolicyStatement({
          sid: `OnlyProducersPut${sidOf(source)}`,
          effect: Effect.DENY,
          principals: [new AnyPrincipal()],
          ...putEvents(source),
          conditions: {
            StringEquals: { 'events:source': source },
            ArnNotEquals: { 'aws:PrincipalArn': arns },
          },
        }),
      );
    }
    // Resolved at synthesis, once every publisher exists (their roles are made after the bus).
    const publisherArns = Lazy.list({ produce: () => props.publishers().map((role) => role.roleArn) });
    bus.addToResourcePolicy(
      new PolicyStatement({
        sid: 'OnlyPipelinePutsBilling',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        ...putEvents(BILLING_SOURCE),
        conditions: {
          StringEquals: { 'events:source': BILLING_SOURCE },
          ArnNotEquals: { 'aws:PrincipalArn': publisherArns },
        },
      }),
    );
  }
}

/**
 * What a publishing function may put: its decisions, under `device-supply.billing`, and no other
 * source (its IAM side; the bus policy's Deny is the other).
 */
export function grantPublish(bus: EventBus, fn: IFunction): void {
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['events:PutEvents'],
      resources: [bus.eventBusArn],
      conditions: { StringEquals: { 'events:source': BILLING_SOURCE } },
    }),
  );
}
