// Builds the billing stack as infra/app.ts does, in a fresh temporary cloud assembly,
// and reads what the tests look at in its template.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { addBillingStack, type BillingStack } from '../../infra/billing-stack.ts';
import { addComplianceChecks } from '../../infra/compliance.ts';
import { stageConfigFrom } from '../../infra/stage-config.ts';

export interface BillingAppOptions {
  /** Run esbuild for each function (slow); otherwise CDK skips bundling, as `cdk ls` does. */
  bundle?: boolean;
  /** Register cdk-nag, as infra/app.ts does. */
  nag?: boolean;
  context?: Record<string, string>;
}

export const TEST_CONTEXT = { prefix: 'test', alarmEmail: 'billing-ops@example.com', logRetentionDays: '30' };

export function billingApp(options: BillingAppOptions = {}): { app: App; stack: BillingStack } {
  const context = { ...TEST_CONTEXT, ...options.context };
  const app = new App({
    outdir: mkdtempSync(join(tmpdir(), 'billing-cdk-')),
    context: options.bundle ? context : { ...context, 'aws:cdk:bundling-stacks': [] },
  });
  // An empty environment: the account and region must not leak in from the machine.
  const config = stageConfigFrom((key) => app.node.tryGetContext(key), {});
  const stack = addBillingStack(app, config);
  if (options.nag) addComplianceChecks(app);
  return { app, stack };
}

export interface CfnResource {
  Type: string;
  // Template JSON: the tests narrow what they read with assertions.
  Properties: Record<string, any>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

export type CfnResources = Record<string, CfnResource>;

/** The logical id a `{ Ref }` or `{ Fn::GetAtt }` points at, if it is one. */
export function referencedId(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if ('Ref' in value && typeof value.Ref === 'string') return value.Ref;
  if ('Fn::GetAtt' in value && Array.isArray(value['Fn::GetAtt'])) return String(value['Fn::GetAtt'][0]);
  return undefined;
}

export function only<T>(items: readonly T[], what: string): T {
  if (items.length !== 1) throw new Error(`expected exactly one ${what}, found ${items.length}`);
  return items[0] as T;
}
