// Plain HTTP to a running local stack: the finance API and the admin operations. Every
// failure becomes one of the errors the CLI prints as one line: the stack said no (its error
// code and message), nothing listens at that address, something that is not the billing stack
// answers there, or the address is not one.

export const DEFAULT_STACK_URL = 'http://127.0.0.1:3000';

/** The stack answered with an error: its `{error, message}`, or the HTTP status when the body is not one. */
export class StackError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'StackError';
  }
}

export class StackUnreachableError extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`no billing stack at ${url} — start it with npm start (${reason})`);
    this.name = 'StackUnreachableError';
  }
}

export interface StackResponse {
  status: number;
  contentType: string;
  body: string;
}

/** One path segment: ids come from users and upstream systems, so `/`, `?` and `#` must stay inside it. */
export const pathSegment = (value: string): string => encodeURIComponent(value);

/** Something answers at the address, but not as the billing stack does (another server, a proxy's error page). */
export class NotBillingStackError extends Error {
  constructor(
    readonly url: string,
    readonly detail: string,
  ) {
    super(`${url} is not a billing stack: ${detail}; start one with npm start, or give its address with --url`);
    this.name = 'NotBillingStackError';
  }
}

/** --url (or BILLING_URL) is not an http(s) URL. */
export class InvalidStackUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidStackUrlError';
  }
}

/** The address a user gave, checked and without a trailing slash, so paths join predictably. */
export function normalizeStackUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidStackUrlError(`--url must be an http(s) URL such as ${DEFAULT_STACK_URL}, got "${url}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new InvalidStackUrlError(`--url must be an http(s) URL such as ${DEFAULT_STACK_URL}, got "${url}"`);
  return parsed.toString().replace(/\/+$/, '');
}

/** A body as a short single line, for an error message: whitespace (newlines too) collapsed, at most `max` characters. */
export function oneLine(text: string, max = 120): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Why a connection failed, from undici's error cause (ECONNREFUSED, ENOTFOUND …). */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}

/** What a request answered, in a few words: "GET /admin/counts answered HTTP 404 (text/html): <h1>Not Found</h1>". */
function answered(method: string, path: string, response: StackResponse): string {
  const type = response.contentType.split(';')[0]?.trim() || 'no content type';
  const body = oneLine(response.body, 80);
  return `${method} ${path} answered HTTP ${response.status} (${type})${body ? `: ${body}` : ''}`;
}

/**
 * The error of an answer that is not a success: the stack's own `{error, message}`, or, when
 * the body is not one, something other than the billing stack answered (another server, a
 * proxy's error page), said in one line.
 */
export function errorFromResponse(url: string, method: string, path: string, response: StackResponse): Error {
  try {
    const parsed = JSON.parse(response.body) as { error?: unknown; message?: unknown };
    if (typeof parsed.error === 'string')
      return new StackError(response.status, parsed.error, typeof parsed.message === 'string' ? parsed.message : '');
  } catch {
    // Not the stack's JSON error: something else answers on that port.
  }
  return new NotBillingStackError(url, answered(method, path, response));
}

export class StackClient {
  readonly url: string;

  constructor(url: string) {
    this.url = normalizeStackUrl(url);
  }

  async request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<StackResponse> {
    let response: Response;
    try {
      response = await fetch(`${this.url}${path}`, {
        method,
        ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      });
    } catch (error) {
      throw new StackUnreachableError(this.url, networkReason(error));
    }
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      body: await response.text(),
    };
  }

  /**
   * Checks that the billing stack answers here before a command does anything (`send` before
   * it puts a single event): one line of error for nothing listening, another server, or a
   * proxy's error page, rather than one per event. Answers the stack's counts (GET /admin/counts).
   */
  async probe(): Promise<Record<string, number>> {
    const response = await this.request('GET', '/admin/counts');
    let answer: unknown;
    try {
      answer = JSON.parse(response.body);
    } catch {
      answer = undefined;
    }
    const counts = answer as Record<string, unknown> | undefined;
    if (response.status === 200 && typeof counts?.accepted === 'number' && typeof counts.pending === 'number')
      return counts as Record<string, number>;
    throw new NotBillingStackError(this.url, answered('GET', '/admin/counts', response));
  }

  /** The parsed JSON of a successful answer; any other answer is thrown as a StackError. */
  async json<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const response = await this.request(method, path, body);
    if (response.status < 200 || response.status > 299) throw errorFromResponse(this.url, method, path, response);
    try {
      return JSON.parse(response.body) as T;
    } catch {
      throw new NotBillingStackError(this.url, `${answered(method, path, response)}, not JSON`);
    }
  }

  async text(path: string): Promise<string> {
    const response = await this.request('GET', path);
    if (response.status < 200 || response.status > 299) throw errorFromResponse(this.url, 'GET', path, response);
    return response.body;
  }
}
