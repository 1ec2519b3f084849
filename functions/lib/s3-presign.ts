// The finance API's download link of a ready export: a presigned GET of its S3 object, made
// with S3RequestPresigner alone. The S3 client (with getSignedUrl) would take the finance
// function's bundle over its budget (test/infra/bundles.test.ts) for one signature.
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3RequestPresigner } from '@aws-sdk/s3-request-presigner';
import type { ReadyExport } from '#shared/store/entries-exports.ts';

/** How long a download link of the finance API works: long enough to click, short enough not to be passed on. */
export const EXPORT_URL_MINUTES = 15;

/** SHA-256, and HMAC-SHA256 with a key, as the signer asks for them (its Checksum), from node:crypto. */
export class Sha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = this.start();
  }
  private start(): Hash | Hmac {
    if (this.secret === undefined) return createHash('sha256');
    const key =
      typeof this.secret === 'string'
        ? this.secret
        : ArrayBuffer.isView(this.secret)
          ? new Uint8Array(this.secret.buffer, this.secret.byteOffset, this.secret.byteLength)
          : new Uint8Array(this.secret);
    return createHmac('sha256', key);
  }
  update(data: Uint8Array): void {
    this.hash.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.start();
  }
}

/** The credentials of a client: the function's role, resolved and refreshed as the SDK does. */
type Credentials = DynamoDBDocumentClient['config']['credentials'];

export function presignedDownload(
  bucket: string,
  region: string,
  credentials: Credentials,
): (ready: ReadyExport) => Promise<string> {
  const presigner = new S3RequestPresigner({ region, credentials, sha256: Sha256 });
  const hostname = `${bucket}.s3.${region}.amazonaws.com`;
  return async (ready) => {
    const path = `/${ready.objectKey.split('/').map(encodeURIComponent).join('/')}`;
    const signed = await presigner.presign(
      { method: 'GET', protocol: 'https:', hostname, path, query: {}, headers: { host: hostname } },
      { expiresIn: EXPORT_URL_MINUTES * 60 },
    );
    const query = new URLSearchParams(signed.query as Record<string, string>).toString();
    return `https://${hostname}${path}?${query}`;
  };
}
