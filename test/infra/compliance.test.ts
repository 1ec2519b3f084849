// cdk-nag's AwsSolutions and Serverless packs, registered as CDK validation plugins exactly as
// infra/app.ts registers them: synthesis fails on a finding nobody acknowledged, and each
// acknowledgement, with its reason, lands in the assembly's validation report.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { addComplianceChecks, NAG_PACKS } from '../../infra/compliance.ts';
import { billingApp } from './billing-app.ts';

interface SuppressedViolation {
  ruleName: string;
  acknowledgedId: string;
  acknowledgedAt: string;
  reason: string;
}

interface ValidationReport {
  pluginReports: {
    pluginName: string;
    conclusion: string;
    violations: unknown[];
    suppressedViolations?: SuppressedViolation[];
  }[];
}

interface Acknowledgement {
  path: string;
  id: string;
  reason: string;
}

let report: ValidationReport;
let acknowledgements: Acknowledgement[];

// Synthesis includes CDK's own template validation: seconds, not milliseconds.
beforeAll(() => {
  const { app } = billingApp({ nag: true });
  // Throws, with the findings, if any finding is not acknowledged.
  const assembly = app.synth();
  report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as ValidationReport;
  acknowledgements = app.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id,
          reason,
        })),
      ),
  );
}, 120_000);

describe('cdk-nag', () => {
  it('runs both packs on the stack and leaves no finding unacknowledged', () => {
    expect(report.pluginReports.map((p) => p.pluginName).sort()).toEqual([...NAG_PACKS].sort());
    for (const plugin of report.pluginReports) {
      expect(plugin.violations, plugin.pluginName).toEqual([]);
      expect(plugin.conclusion, plugin.pluginName).toBe('success');
    }
  });

  it('has a written reason for every acknowledgement', () => {
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const { path, id, reason } of acknowledgements) {
      expect(reason.split(/\s+/).length, `${path} ${id}: "${reason}"`).toBeGreaterThanOrEqual(12);
    }
    for (const violation of report.pluginReports.flatMap((p) => p.suppressedViolations ?? [])) {
      expect(violation.reason, violation.ruleName).toBe(
        acknowledgements.find((a) => a.path === violation.acknowledgedAt && a.id === violation.acknowledgedId)?.reason,
      );
    }
  });

  it('acknowledges only findings that exist, so none outlives the resource it was written for', () => {
    const used = new Set(
      report.pluginReports
        .flatMap((p) => p.suppressedViolations ?? [])
        .map((v) => `${v.acknowledgedAt} ${v.acknowledgedId}`),
    );
    const unused = acknowledgements.filter(({ path, id }) => !used.has(`${path} ${id}`));
    expect(unused).toEqual([]);
  });

  it('fails synthesis on a finding nobody acknowledged', () => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'billing-cdk-')) });
    new Queue(new Stack(app, 'Probe'), 'PlainQueue');
    addComplianceChecks(app);
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS4/);
  });
});
