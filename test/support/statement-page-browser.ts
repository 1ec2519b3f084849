// Test support for the statement page's browser tests: a local stack holding the example year,
// sent and closed through March 2027 (the clock at 2027-04-01 01:00 JST, so the lookback is
// exactly the fiscal year), and headless Chromium (Debian's /usr/bin/chromium, with a fresh
// profile so nothing remembered from another run changes a page). Screenshots go to an
// artifacts folder emptied at the start, for a person to look at after the run.
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { customerIds, EXAMPLE_EVENTS_FILE } from '#test/support/example-year.ts';
import { parseEventFile } from '../../local/cli/event-file.ts';
import { localEventBridgeClient, sendEvents } from '../../local/cli/send-events.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface ExampleYearBrowser {
  stack: LocalStack;
  page: Page;
  browser: BrowserContext;
  /** POSTs an admin operation of the stack and answers its JSON. */
  admin(path: string, body: unknown): Promise<any>;
  /** Sends events (EventBridge shape) and waits until the queues have drained. */
  send(events: readonly unknown[]): Promise<void>;
  close(): Promise<void>;
}

export async function exampleYearInBrowser(artifactsDir: string): Promise<ExampleYearBrowser> {
  const stack = await startLocalStack({ port: 0, dataDir: null, now: '2026-04-01T09:00:00+09:00' });
  const admin = (path: string, body: unknown) =>
    fetch(`${stack.url}${path}`, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json());
  const send = async (events: readonly unknown[]) => {
    const bus = localEventBridgeClient(stack.url);
    const sent = await sendEvents(bus, parseEventFile(events.map((e) => JSON.stringify(e)).join('\n')));
    bus.destroy();
    expect(sent.failures).toEqual([]);
    await admin('/admin/drain', {});
  };
  await send(
    (await readFile(EXAMPLE_EVENTS_FILE, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line)),
  );
  await admin('/admin/clock', { now: '2027-04-01T01:00:00+09:00' });
  expect(await admin('/admin/close', { month: '2027-03' })).toMatchObject({
    month: '2027-03',
    customers: customerIds.length,
  });

  const profileDir = await mkdtemp(join(tmpdir(), 'billing-chromium-'));
  await rm(artifactsDir, { recursive: true, force: true });
  await mkdir(artifactsDir, { recursive: true });
  const browser = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    acceptDownloads: true,
  });
  const page = browser.pages()[0] ?? (await browser.newPage());
  return {
    stack,
    page,
    browser,
    admin,
    send,
    close: async () => {
      await browser.close();
      await stack.close();
      await rm(profileDir, { recursive: true, force: true });
    },
  };
}

/** The rows of an RFC 4180 CSV (quoted fields, doubled quotes, CRLF rows), to read a download back. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      rows.push([...row, field]);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || row.length) rows.push([...row, field]);
  return rows;
}

const event = (type: string, source: string, detail: Record<string, unknown>) => ({
  source: `device-supply.${source}`,
  'detail-type': type,
  detail,
});

/**
 * April 2027, after the example year (send them with the clock at 2027-04-10): a claim of
 * CUST-1001 whose old device is due back by 2027-04-22, a claim of CUST-1003 only filed, and a
 * delivery for CUST-1004's claim CLM-1004-9, never filed, that waits for it (§0).
 */
export const APRIL_EVENTS: readonly unknown[] = [
  event('ClaimFiled', 'claims', {
    eventId: 'evt-clerk-1',
    customerId: 'CUST-1001',
    occurredAt: '2027-04-06T10:00:00+09:00',
    claimId: 'CLM-1001-2',
    deviceId: 'DEV-1001-A',
    cause: 'water_damage',
    incidentDate: '2027-04-05',
  }),
  event('ReplacementDelivered', 'logistics', {
    eventId: 'evt-clerk-2',
    customerId: 'CUST-1001',
    occurredAt: '2027-04-08T12:00:00+09:00',
    claimId: 'CLM-1001-2',
  }),
  event('ClaimFiled', 'claims', {
    eventId: 'evt-clerk-3',
    customerId: 'CUST-1003',
    occurredAt: '2027-04-09T10:00:00+09:00',
    claimId: 'CLM-1003-2',
    deviceId: 'DEV-1003-A',
    cause: 'water_damage',
    incidentDate: '2027-04-08',
  }),
  // A delivery for a claim not filed yet: it waits for the claim (§0).
  event('ReplacementDelivered', 'logistics', {
    eventId: 'evt-clerk-4',
    customerId: 'CUST-1004',
    occurredAt: '2027-04-09T15:00:00+09:00',
    claimId: 'CLM-1004-9',
  }),
];
