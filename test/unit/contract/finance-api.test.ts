// schemas/finance-api.openapi.json against the handler (shared/runtime/finance-api.ts): the routes
// it serves are the document's paths and no others (every path over a small alphabet of
// segments is asked), so are API Gateway's in the stack; every error code the handler's source
// returns is in the document with the same status; and what the handler answers for the example
// year, every statement and report, each error, validates against the response the document
// gives for that status, with a JSON Schema validator.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type * as z from 'zod';
import { addStatement, emptyMonthTotals, type Statement } from '#shared/domain/index.ts';
import type { OpenItems } from '#shared/domain/open-items.ts';
import { type FinanceDeps, handleFinanceRequest, type MonthReport } from '#shared/runtime/finance-api.ts';
import type { CustomerSearchAnswer } from '#shared/runtime/finance-customers.ts';
import { REPO_ROOT } from '#shared/schemas/contract/files.ts';
import { FINANCE_OPENAPI_FILE, JSON_TYPE } from '#shared/schemas/contract/finance-api.ts';
import type { JsonSchema } from '#shared/schemas/contract/json-schema.ts';
import {
  type customerSearchBody,
  FINANCE_ERRORS,
  type monthReportBody,
  type openItemsBody,
  type statementBody,
} from '#shared/schemas/finance.ts';
import type { EntriesExport, ReadyExport } from '#shared/store/entries-exports.ts';
import type { HeldCustomer } from '#shared/store/held-customers.ts';
import { OPEN_AS_OF, OPEN_CLOSED_MONTHS, openCustomerEvents } from '#test/support/open-customer.ts';
import { Customer } from '#test/support/scenario.ts';
import { FINANCE_API_STAGE, FinanceApi } from '../../../infra/constructs/finance-api.ts';
import { engineYear } from './engine-year.ts';
import { ajv2020, readJson } from './validators.ts';

interface Response {
  description: string;
  content?: Record<string, { schema: JsonSchema }>;
}
interface OperationDoc {
  operationId: string;
  parameters: { $ref: string }[];
  responses: Record<string, Response | { $ref: string }>;
}
interface OpenApi {
  openapi: string;
  servers: { url: string }[];
  paths: Record<string, Record<string, OperationDoc>>;
  components: {
    parameters: Record<string, { name: string; in: string; required: boolean }>;
    schemas: Record<string, JsonSchema>;
    responses: Record<string, Response>;
  };
  'x-error-codes': Record<string, { status: number; when: string }>;
}

const doc = readJson(FINANCE_OPENAPI_FILE) as unknown as OpenApi;
const templates = Object.keys(doc.paths);

/** The document's path template a request path matches, if any: a `{param}` takes one non-empty segment. */
function templateOf(requestPath: string): string | undefined {
  const segments = requestPath.split('?')[0]!.split('/').filter(Boolean);
  return templates.find((template) => {
    const parts = template.split('/').filter(Boolean);
    return parts.length === segments.length && parts.every((p, i) => p.startsWith('{') || p === segments[i]);
  });
}

const deref = <T>(value: T | { $ref: string }): T => {
  if (typeof value === 'object' && value !== null && '$ref' in value) {
    const [, kind, name] = /^#\/components\/(\w+)\/(.+)$/.exec(value.$ref) ?? [];
    const target = (doc.components as unknown as Record<string, Record<string, T>>)[kind ?? '']?.[name ?? ''];
    if (!target) throw new Error(`unresolved ${value.$ref}`);
    return target;
  }
  return value;
};

// The document's component schemas as one schema for Ajv, its refs pointed at them.
const COMPONENTS_ID = 'urn:finance-api:components';
const repoint = (node: unknown): unknown =>
  Array.isArray(node)
    ? node.map(repoint)
    : typeof node === 'object' && node !== null
      ? Object.fromEntries(
          Object.entries(node).map(([k, v]) => [
            k,
            k === '$ref' && typeof v === 'string'
              ? v.replace('#/components/schemas/', `${COMPONENTS_ID}#/$defs/`)
              : repoint(v),
          ]),
        )
      : node;
ajv2020.addSchema({ $id: COMPONENTS_ID, $defs: repoint(doc.components.schemas) as JsonSchema });
const validators = new Map<unknown, ReturnType<typeof ajv2020.compile>>();
const validatorFor = (schema: JsonSchema) => {
  let validate = validators.get(schema);
  if (!validate) {
    validate = ajv2020.compile(repoint(schema) as JsonSchema);
    validators.set(schema, validate);
  }
  return validate;
};

// ---- The handler over the example year, with in-memory stores ----------------------------------

const NOW = '2027-04-15T12:00:00+09:00'; // the lookback: 2026-04 … 2027-03
const CLOSED_THROUGH = '2027-03';
const HELD: HeldCustomer[] = [
  {
    customerId: 'CUST-HELD',
    month: '2027-03',
    shard: 0,
    reason: 'CUSTOMER_STATE_LIMIT: the state would pass its item budget',
    heldAt: '2027-04-01T01:00:05+09:00',
  },
];
const year = engineYear();
const exportMonths = [...new Set(year.statements.map((s) => s.month))].sort();
/** The entries export of each month: the first three none, running and failed, the others ready. */
const [NOT_EXPORTED, EXPORT_RUNNING, EXPORT_FAILED] = exportMonths as [string, string, string];
const exportOf = (month: string): EntriesExport | undefined => {
  const startedAt = '2027-04-01T01:05:00.000Z';
  if (month === NOT_EXPORTED) return undefined;
  if (month === EXPORT_RUNNING) return { month, state: 'running', runId: 'r', startedAt };
  if (month === EXPORT_FAILED)
    return { month, state: 'failed', runId: 'r', startedAt, failedAt: startedAt, reason: 'Error: disk full' };
  const finishedAt = '2027-04-01T01:06:00.000Z';
  return {
    month,
    state: 'ready',
    runId: 'r',
    startedAt,
    finishedAt,
    rows: 3,
    bytes: 300,
    objectKey: `entries-${month}.csv`,
  };
};
const exportStatus = (month: string): number =>
  month === NOT_EXPORTED ? 404 : month === EXPORT_RUNNING ? 202 : month === EXPORT_FAILED ? 500 : 200;
/** The customer routes' answers: the open-items fixture customer, and every customer of the year to search. */
const openCustomer = (() => {
  const c = new Customer('OPEN-1');
  const { before, after } = openCustomerEvents('OPEN-1');
  for (const e of before) c.send(e);
  for (const month of OPEN_CLOSED_MONTHS) c.close(month);
  for (const e of after) c.send(e, e.detail.occurredAt);
  return c.state;
})();
const knownIds = [...new Set([...year.statements.map((s) => s.customerId), 'OPEN-1'])];
const deps = {
  customers: {
    search: async (prefix: string, limit: number) => {
      const found = knownIds.filter((id) => id.toLowerCase().startsWith(prefix.toLowerCase())).sort();
      return { customerIds: found.slice(0, limit), truncated: found.length > limit };
    },
    state: async (customerId: string) => (customerId === 'OPEN-1' ? openCustomer : undefined),
  },
  reads: {
    statement: async (customerId: string, month: string) =>
      year.statements.find((s) => s.customerId === customerId && s.month === month),
    statementMonths: async (customerId: string) =>
      year.statements
        .filter((s) => s.customerId === customerId)
        .map((s) => s.month)
        .sort()
        .reverse(),
    monthStatements: async (month: string) => year.statements.filter((s) => s.month === month),
    monthEntries: async (month: string) =>
      year.entries
        .filter((e) => e.billingMonth === month)
        .sort((a, b) => a.customerId.localeCompare(b.customerId) || a.entryId.localeCompare(b.entryId)),
  },
  closes: {
    closedThrough: async () => CLOSED_THROUGH,
    // The report's path of a month the close summed: one "shard" holding the month's statements.
    shardTotals: async (month: string) => [
      year.statements.filter((s) => s.month === month).reduce(addStatement, emptyMonthTotals()),
    ],
  },
  entriesExports: {
    get: async (month: string) => exportOf(month),
    downloadUrl: async (ready: ReadyExport) => `/downloads/${ready.objectKey}`,
  },
  holds: {
    find: async (customerId: string, month: string) =>
      HELD.find((h) => h.customerId === customerId && h.month === month),
    all: async (month?: string) => HELD.filter((h) => month === undefined || h.month === month),
  },
} as unknown as FinanceDeps;
const ask = (requestPath: string, method = 'GET') => handleFinanceRequest(deps, method, requestPath, NOW);
const isNoRoute = (r: { status: number; body: string }) =>
  r.status === 404 && (JSON.parse(r.body) as { message: string }).message.startsWith('no route');

const months = [...new Set(year.statements.map((s) => s.month))].sort();
const customers = [...new Set(year.statements.map((s) => s.customerId))].sort();

/** Requests of every route and every answer, with the status each must get. */
const REQUESTS: [path: string, status: number][] = [
  ...customers.map((c): [string, number] => [`/customers/${c}/statements`, 200]),
  ['/customers/NOBODY/statements', 200],
  ['/customers/bad%20id/statements', 400],
  [`/customers/${'x'.repeat(65)}/statements`, 400],
  ['/customers/%E0%A4%A/statements', 400],
  ...year.statements.map((s): [string, number] => [`/customers/${s.customerId}/statements/${s.month}`, 200]),
  ['/customers/CUST-1001/statements/2026-13', 400],
  ['/customers/CUST-1001/statements/2026-03', 410],
  ['/customers/CUST-1001/statements/2027-04', 409],
  ['/customers/CUST-HELD/statements/2027-03', 409],
  ['/customers/NOBODY/statements/2026-10', 404],
  ['/customers?prefix=cust', 200],
  ['/customers?prefix=CUST-1&limit=1', 200],
  ['/customers?prefix=nobody', 200],
  ['/customers', 400],
  ['/customers?prefix=', 400],
  ['/customers?prefix=a%20b', 400],
  ['/customers?prefix=c&limit=0', 400],
  ['/customers?prefix=c&limit=101', 400],
  ['/customers/OPEN-1/open', 200],
  ['/customers/NOBODY/open', 404],
  ['/customers/bad%20id/open', 400],
  ...months.map((m): [string, number] => [`/reports/${m}`, 200]),
  ['/reports/2026-1', 400],
  ['/reports/2026-03', 410],
  ['/reports/2027-04', 409],
  ...months.map((m): [string, number] => [`/reports/${m}/entries.csv`, exportStatus(m)]),
  ['/reports/x/entries.csv', 400],
  ['/reports/2026-03/entries.csv', 410],
  ['/reports/2027-05/entries.csv', 409],
];

describe(FINANCE_OPENAPI_FILE, () => {
  it('is an OpenAPI 3.1 document with a GET operation per path, its path parameters declared', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers[0]?.url.endsWith(`/${FINANCE_API_STAGE}`)).toBe(true);
    for (const [template, item] of Object.entries(doc.paths)) {
      expect(Object.keys(item), template).toEqual(['get']);
      const declared = item.get!.parameters.map((p) => deref<{ name: string; in: string; required: boolean }>(p));
      const inPath = declared.filter((p) => p.in === 'path');
      expect(inPath.map((p) => p.name).sort(), template).toEqual(
        [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort(),
      );
      for (const p of inPath) expect(p.required).toBe(true);
      // The rest are query parameters (the search's prefix and limit).
      for (const p of declared.filter((q) => !inPath.includes(q))) expect(p.in, `${template} ${p.name}`).toBe('query');
    }
  });
});

describe('the routes', () => {
  it('the handler serves exactly the documented paths: every path of up to 5 segments over an alphabet', async () => {
    const alphabet = ['customers', 'statements', 'reports', 'entries.csv', 'CUST-1001', '2026-10', 'open', 'x'];
    let paths = [''];
    const all: string[] = ['/'];
    for (let depth = 1; depth <= 5; depth++) {
      paths = paths.flatMap((p) => alphabet.map((segment) => `${p}/${segment}`));
      all.push(...paths);
    }
    const wrong: string[] = [];
    for (const requestPath of all) {
      const served = !isNoRoute(await ask(requestPath));
      if (served !== (templateOf(requestPath) !== undefined)) wrong.push(`${requestPath}: served ${served}`);
    }
    expect(all).toHaveLength(1 + 8 + 64 + 512 + 4096 + 32768);
    expect(wrong).toEqual([]);
  });

  it("API Gateway's resources and methods in the stack are the documented paths, GET only", () => {
    const stack = new Stack(new App(), 'FinanceOnly');
    const handler = LambdaFunction.fromFunctionArn(
      stack,
      'Handler',
      'arn:aws:lambda:ap-northeast-1:123456789012:function:f',
    );
    new FinanceApi(stack, 'Finance', { handler, prefix: 'test', logRetention: RetentionDays.ONE_MONTH });
    const resources = Template.fromStack(stack).toJSON().Resources as Record<
      string,
      { Type: string; Properties: Record<string, unknown> }
    >;
    const pathOf = (id: unknown): string => {
      const resource = typeof id === 'object' && id !== null && 'Ref' in id ? resources[String(id.Ref)] : undefined;
      if (resource?.Type !== 'AWS::ApiGateway::Resource') return '';
      return `${pathOf(resource.Properties.ParentId)}/${String(resource.Properties.PathPart)}`;
    };
    const methods = Object.values(resources)
      .filter((r) => r.Type === 'AWS::ApiGateway::Method')
      .map((m) => `${String(m.Properties.HttpMethod)} ${pathOf(m.Properties.ResourceId)}`)
      .sort();
    expect(methods).toEqual(templates.map((t) => `GET ${t}`).sort());
  });
});

describe('the error codes', () => {
  // The handler's own routes and its customer routes (finance-customers.ts), which it dispatches to.
  const source = ['shared/runtime/finance-api.ts', 'shared/runtime/finance-customers.ts']
    .map((file) => readFileSync(path.join(REPO_ROOT, file), 'utf8'))
    .join('\n');
  const returned = [...source.matchAll(/\berror\(\s*(\d{3}),\s*'([A-Z_]+)'/g)].map(([, status, code]) => [
    code!,
    Number(status),
  ]);
  const byCode = new Map(returned as [string, number][]);

  it("the handler's source returns each code with one status", () => {
    expect(returned.length).toBeGreaterThanOrEqual(8);
    for (const [code, status] of returned) expect([code, status]).toEqual([code, byCode.get(code as string)]);
    // Every error goes through error(status, code, message): no other JSON with a 4xx status.
    expect(source.match(/json\(\s*[45]\d\d/g) ?? []).toEqual([]);
  });

  it('are the codes of the document (x-error-codes), each with the same status, and of shared/schemas/finance.ts', () => {
    const documented = Object.fromEntries(Object.entries(doc['x-error-codes']).map(([code, e]) => [code, e.status]));
    expect(documented).toEqual(Object.fromEntries(byCode));
    expect(Object.fromEntries(Object.entries(FINANCE_ERRORS).map(([code, e]) => [code, e.status]))).toEqual(documented);
  });

  it('each has a response whose body fixes it, and operations refer to it under its status', () => {
    for (const code of byCode.keys()) {
      const response = doc.components.responses[code];
      const schema = response?.content?.[JSON_TYPE]?.schema as {
        allOf: { properties?: { error: { const: string } } }[];
      };
      expect(schema.allOf[1]?.properties?.error.const).toBe(code);
      expect(response?.description.startsWith(`${byCode.get(code)} ${code}`)).toBe(true);
    }
    for (const item of Object.values(doc.paths)) {
      for (const [status, response] of Object.entries(item.get!.responses)) {
        const code = '$ref' in response ? response.$ref.split('/').at(-1)! : '';
        if (byCode.has(code)) expect([code, Number(status)]).toEqual([code, byCode.get(code)]);
      }
    }
  });
});

describe("the handler's answers validate against the document", () => {
  const answers: { request: string; status: number; contentType: string; body: string; template?: string }[] = [];
  beforeAll(async () => {
    for (const [request, status] of REQUESTS) {
      const r = await ask(request);
      answers.push({ request, status, contentType: r.contentType, body: r.body, template: templateOf(request) });
      expect([request, r.status]).toEqual([request, status]);
    }
  });

  it('covers every operation and every status each documents, API Gateway answers apart', () => {
    const seen = new Set(answers.map((a) => `${a.template} ${a.status}`));
    const documented = Object.entries(doc.paths).flatMap(([template, item]) =>
      Object.keys(item.get!.responses)
        .filter((status) => status !== '403' && status !== '429')
        .map((status) => `${template} ${status}`),
    );
    expect([...seen].sort()).toEqual(documented.sort());
  });

  it('every answer: a status its operation documents, its content type, a body its schema accepts', () => {
    for (const answer of answers) {
      const operation = doc.paths[answer.template!]?.get;
      const response = deref(operation?.responses[String(answer.status)] ?? { $ref: '#/components/responses/none' });
      const media = response.content?.[answer.contentType];
      expect(media, `${answer.request}: no ${answer.contentType} for ${answer.status}`).toBeDefined();
      if (answer.contentType === JSON_TYPE) {
        const validate = validatorFor(media!.schema);
        expect(validate(JSON.parse(answer.body)), `${answer.request}: ${ajv2020.errorsText(validate.errors)}`).toBe(
          true,
        );
      } else {
        // Every answer is JSON: the month's entries file is downloaded from where its export says.
        expect.unreachable(`${answer.request} answered ${answer.contentType}`);
      }
    }
  });

  it('the answers the document lists outside the operations: another method, another path', async () => {
    const errorSchema = (code: string) => validatorFor(doc.components.responses[code]!.content![JSON_TYPE]!.schema);
    for (const [request, method, code] of [
      ['/reports/2026-10', 'POST', 'METHOD_NOT_ALLOWED'],
      ['/customers/CUST-1001/statements', 'DELETE', 'METHOD_NOT_ALLOWED'],
      ['/nope', 'GET', 'NOT_FOUND'],
      ['/reports/2026-10/entries.json', 'GET', 'NOT_FOUND'],
    ] as const) {
      const r = await ask(request, method);
      expect([request, r.status]).toEqual([request, doc['x-error-codes'][code]!.status]);
      expect(errorSchema(code)(JSON.parse(r.body))).toBe(true);
    }
  });

  it('the open items checked have something in every list, as of the requests', async () => {
    expect(NOW).toBe(OPEN_AS_OF);
    const view = JSON.parse((await ask('/customers/OPEN-1/open')).body) as Record<string, unknown[] | number>;
    for (const list of ['installments', 'deadlines', 'openClaims'] as const)
      expect((view[list] as unknown[]).length, list).toBeGreaterThan(0);
    expect(view.eventsWaiting).toBe(1);
  });

  it('the example year has statements with every optional part of a line to check', () => {
    const lines = year.statements.flatMap((s) => s.lines);
    for (const key of ['claimId', 'installment', 'proration', 'useNumber'] as const)
      expect(
        lines.some((l) => l[key] !== undefined),
        key,
      ).toBe(true);
  });
});

describe('the response schemas of shared/schemas/finance.ts', () => {
  it("are the handler's types: the same fields, and what they accept is of those types", () => {
    expectTypeOf<keyof z.output<typeof statementBody>>().toEqualTypeOf<keyof Statement>();
    expectTypeOf<keyof z.output<typeof statementBody>['lines'][number]>().toEqualTypeOf<
      keyof Statement['lines'][number]
    >();
    expectTypeOf<z.output<typeof statementBody>>().toExtend<Statement>();
    expectTypeOf<keyof z.output<typeof monthReportBody>>().toEqualTypeOf<keyof MonthReport>();
    expectTypeOf<z.output<typeof monthReportBody>>().toExtend<MonthReport>();
    expectTypeOf<keyof z.output<typeof customerSearchBody>>().toEqualTypeOf<keyof CustomerSearchAnswer>();
    expectTypeOf<z.output<typeof customerSearchBody>>().toExtend<CustomerSearchAnswer>();
    expectTypeOf<keyof z.output<typeof openItemsBody>>().toEqualTypeOf<keyof OpenItems>();
    expectTypeOf<keyof z.output<typeof openItemsBody>['deadlines'][number]>().toEqualTypeOf<
      keyof OpenItems['deadlines'][number]
    >();
    expectTypeOf<keyof z.output<typeof openItemsBody>['installments'][number]>().toEqualTypeOf<
      keyof OpenItems['installments'][number]
    >();
    expectTypeOf<keyof z.output<typeof openItemsBody>['openClaims'][number]>().toEqualTypeOf<
      keyof OpenItems['openClaims'][number]
    >();
    expectTypeOf<z.output<typeof openItemsBody>>().toExtend<OpenItems>();
  });
});
