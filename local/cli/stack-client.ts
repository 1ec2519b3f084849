// Plain HTTP to a running local stack: the finance API and the admin operations. Every
// failure becomes one of two errors the CLI knows how to print: the stack said no (its error
// code and message), or there is no stack at that address.

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

/** The address a user gave, checked and without a trailing slash, so paths join predictably. */
export function normalizeStackUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`--url must be an http(s) URL such as ${DEFAULT_STACK_URL}, got "${url}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new Error(`--url must be an http(s) URL, got "${url}"`);
  return parsed.toString().replace(/\/+$/, '');
}

/** Why a connection failed, from undici's error cause (ECONNREFUSED, ENOTFOUND …). */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}

export function errorFromResponse(response: StackResponse): StackError {
  try {
    const parsed = JSON.parse(response.body) as { error?: unknown; message?: unknown };
    if (typeof parsed.error === 'string')
      return new StackError(response.status, parsed.error, typeof parsed.message === 'string' ? parsed.message : '');
  } catch {
    // Not the stack's JSON error: something else answers on that port.
  }
  return new StackError(
    response.status,
    `HTTP_${response.status}`,
    response.body.slice(0, 200).trim() || 'the server sent no explanation',
  );
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

  /** The parsed JSON of a successful answer; any other answer is thrown as a StackError. */
  async json<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const response = await this.request(method, path, body);
    if (response.status < 200 || response.status > 299) throw errorFromResponse(response);
    try {
      return JSON.parse(response.body) as T;
    } catch {
      throw new StackError(
        response.status,
        'NOT_JSON',
        `${method} ${path} answered with something other than JSON; is ${this.url} the billing stack?`,
      );
    }
  }

  async text(path: string): Promise<string> {
    const response = await this.request('GET', path);
    if (response.status < 200 || response.status > 299) throw errorFromResponse(response);
    return response.body;
  }
}
