// cdk-nag as CDK validation plugins: synthesis fails on any finding not acknowledged, with a
// reason, where the resource is defined. Acknowledgements name the plugin (`AwsSolutions::…`)
// so that CDK itself suppresses the finding and lists it, reason included, in the
// `validation-report.json` of the cloud assembly.
import { Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';

export const NAG_PACKS = ['AwsSolutions', 'Serverless'] as const;

export function addComplianceChecks(app: IConstruct): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
}

/** `ruleId` as cdk-nag reports it, e.g. `AwsSolutions-IAM5[Resource::*]` or `Serverless-LambdaDLQ`. */
export function acknowledgeRule(scope: IConstruct, ruleId: string, reason: string): void {
  const pack = NAG_PACKS.find((name) => ruleId.startsWith(`${name}-`));
  if (!pack) throw new Error(`${ruleId} is not a rule of ${NAG_PACKS.join(' or ')}`);
  Validations.of(scope).acknowledge({ id: `${pack}::${ruleId}`, reason });
}

/**
 * Acknowledges one wildcard resource of an IAM statement. cdk-nag names such a finding after
 * the resource as it appears in the template, references flattened to `<LogicalId.Attr>`, so
 * the id is computed from the resource itself rather than copied from a report.
 */
export function acknowledgeWildcardResource(scope: IConstruct, resource: string, reason: string): void {
  const flattened = flattenCfnReference(Stack.of(scope).resolve(resource));
  acknowledgeRule(scope, `AwsSolutions-IAM5[Resource::${flattened}]`, reason);
}
