import { describe, expect, it } from 'vitest';
import { SegmentDecrypter } from './decrypt';

async function encrypt(key: Uint8Array<ArrayBuffer>, iv: Uint8Array<ArrayBuffer>, plain: Uint8Array<ArrayBuffer>) {
  const k = await crypto.subtle.importKey('raw', key, 'AES-CBC', false, ['encrypt']);
  return new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-CBC', iv }, k, plain));
}

function bytes(n: number, seed: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

describe('SegmentDecrypter', () => {
  // Sizes around the block and padding edges, cut into pieces of awkward sizes.
  for (const size of [1, 15, 16, 17, 31, 32, 33, 1000, 4096, 50_003]) {
    for (const piece of [1, 7, 16, 100, 4096, 1 << 20]) {
      it(`decrypts ${size} bytes streamed in pieces of ${piece}`, async () => {
        const key = bytes(16, size);
        const iv = bytes(16, piece);
        const plain = bytes(size, size + piece);
        const cipher = await encrypt(key, iv, plain);
        const d = new SegmentDecrypter(key, iv);
        const parts: Promise<Uint8Array>[] = [];
        for (let at = 0; at < cipher.length; at += piece) parts.push(d.push(cipher.subarray(at, at + piece)));
        parts.push(d.end());
        const out = (await Promise.all(parts)).flatMap((p) => Array.from(p));
        expect(out).toEqual(Array.from(plain));
      });
    }
  }

  it('hands plaintext on before the segment ends', async () => {
    const key = bytes(16, 1);
    const iv = bytes(16, 2);
    const cipher = await encrypt(key, iv, bytes(1000, 3));
    const first = await new SegmentDecrypter(key, iv).push(cipher.subarray(0, 500));
    expect(first.length).toBe(480); // whole blocks but the last
  });

  it('refuses a segment cut short', async () => {
    const key = bytes(16, 1);
    const iv = bytes(16, 2);
    const cipher = await encrypt(key, iv, bytes(100, 3));
    const d = new SegmentDecrypter(key, iv);
    await d.push(cipher.subarray(0, 50));
    await expect(d.end()).rejects.toThrow(/cut short/);
  });
});
