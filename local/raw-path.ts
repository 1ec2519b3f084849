// The local stack routes on the path exactly as the client sent it. WHATWG URL parsing resolves
// `.` and `..` segments, percent-encoded ones (`%2e%2e`) too, and reads `\` as `/`: routed on
// that, `GET /customers/../admin/dead-letters` reached the admin operations. A target that
// parsing would change is refused instead of being routed somewhere the client did not name.
export type RawTarget = { ok: true; url: URL } | { ok: false; message: string };

const refuse = (message: string): RawTarget => ({ ok: false, message });

/** The URL of a request target in origin form (`/path?query`), or why it is refused. */
export function parseRawTarget(target: string): RawTarget {
  const end = target.search(/[?#]/);
  const path = end === -1 ? target : target.slice(0, end);
  if (!path.startsWith('/')) return refuse('the request target must be a path that starts with /');
  if (path.includes('\\')) return refuse('the path must not contain a backslash');
  for (const segment of path.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return refuse('the path is not validly URL-encoded');
    }
    if (decoded === '.' || decoded === '..')
      return refuse('the path must not contain "." or ".." segments, raw or percent-encoded');
  }
  // Prefixed by an authority, so that a path starting with // stays a path, not a host.
  const url = new URL(`http://local${target}`);
  if (url.pathname !== path)
    return refuse('the path must be sent in normal form (characters outside the URL path set percent-encoded)');
  return { ok: true, url };
}
