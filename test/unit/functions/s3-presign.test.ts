// The finance API's download link (functions/lib/s3-presign.ts): a presigned GET of the
// export's object in its bucket's region, valid EXPORT_URL_MINUTES, signed with the hash the
// signer is given (node:crypto's SHA-256 and HMAC, checked against their published vectors).
import { describe, expect, it } from 'vitest';
import { EXPORT_URL_MINUTES, presignedDownload, Sha256 } from '../../../functions/lib/s3-presign.ts';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const utf8 = (text: string) => new TextEncoder().encode(text);

describe('Sha256', () => {
  it('is SHA-256 without a key and HMAC-SHA256 with one (FIPS 180-2, RFC 4231 case 2), and resets', async () => {
    const plain = new Sha256();
    plain.update(utf8('abc'));
    expect(hex(await plain.digest())).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const keyed = new Sha256(utf8('Jefe'));
    keyed.update(utf8('what do ya want '));
    keyed.update(utf8('for nothing?'));
    const expected = '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843';
    expect(hex(await keyed.digest())).toBe(expected);
    keyed.reset();
    keyed.update(utf8('what do ya want for nothing?'));
    expect(hex(await keyed.digest())).toBe(expected);
    const stringKey = new Sha256('Jefe');
    stringKey.update(utf8('what do ya want for nothing?'));
    expect(hex(await stringKey.digest())).toBe(expected);
  });
});

describe('presignedDownload', () => {
  it("names the object in its bucket's regional host, expires in EXPORT_URL_MINUTES and carries the session token", async () => {
    const credentials = async () => ({
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'secret',
      sessionToken: 'to+k/en=',
    });
    const url = new URL(
      await presignedDownload(
        'billing-exports',
        'ap-northeast-1',
        credentials,
      )({
        month: '2026-05',
        state: 'ready',
        runId: 'r',
        startedAt: '2026-06-01T00:00:00.000Z',
        finishedAt: '2026-06-01T00:01:00.000Z',
        rows: 1,
        bytes: 1,
        objectKey: 'entries/entries-2026-05.csv',
      }),
    );
    expect(`${url.origin}${url.pathname}`).toBe(
      'https://billing-exports.s3.ap-northeast-1.amazonaws.com/entries/entries-2026-05.csv',
    );
    const q = url.searchParams;
    expect(q.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(q.get('X-Amz-Credential')).toMatch(/^AKIDEXAMPLE\/\d{8}\/ap-northeast-1\/s3\/aws4_request$/);
    expect(q.get('X-Amz-Expires')).toBe(String(EXPORT_URL_MINUTES * 60));
    expect(q.get('X-Amz-SignedHeaders')).toBe('host');
    expect(q.get('X-Amz-Security-Token')).toBe('to+k/en=');
    expect(q.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  });
});
