// The CDK app (`npm run synth`, `cdk deploy`): one billing stack for the stage the context or
// the environment describes, checked by cdk-nag, followed by the size of each Lambda bundle.
import { App } from 'aws-cdk-lib';
import { addBillingStack } from './billing-stack.ts';
import { formatBundleReport, stagedBundles } from './bundles.ts';
import { addComplianceChecks } from './compliance.ts';
import { stageConfigFrom } from './stage-config.ts';

const app = new App();
const config = stageConfigFrom((key) => app.node.tryGetContext(key));
const stack = addBillingStack(app, config);
addComplianceChecks(app);
const assembly = app.synth();

// Commands that do not deploy or synthesize this stack (`cdk ls`, `cdk destroy`) skip bundling.
if (stack.bundlingRequired) {
  // stderr: the CLI's stdout carries the template when asked for one.
  console.error(
    formatBundleReport(
      stagedBundles(
        stack.functions.map((fn) => fn.stagedBundle()),
        assembly.directory,
      ),
    ),
  );
}
