/**
 * Decrypts an HLS AES-128 segment (AES-128-CBC over the whole segment, PKCS#7 padding) as its
 * bytes arrive, so that the player can append its first movie fragments before the rest has
 * loaded. hls.js 1.7 cannot: it decrypts each piece it is handed as if it were a whole segment.
 *
 * WebCrypto only decrypts whole messages and checks their padding, so each run of whole blocks
 * is decrypted with one extra block made to be valid padding: the encryption, chained on the
 * run's last block, of an empty message. The last block of the segment is held back until the
 * end, where its real padding is removed.
 */
export class SegmentDecrypter {
  private readonly key: Promise<CryptoKey>;
  private iv: Uint8Array<ArrayBuffer>;
  private pending = new Uint8Array(0);
  private queue: Promise<unknown> = Promise.resolve();

  constructor(key: Uint8Array<ArrayBuffer>, iv: Uint8Array<ArrayBuffer>) {
    this.key = crypto.subtle.importKey('raw', key, 'AES-CBC', false, ['encrypt', 'decrypt']);
    this.iv = iv.slice();
  }

  /** The plaintext of the whole blocks so far but the last, in order with earlier calls. */
  push(chunk: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
    return this.next(async () => {
      const all = concat(this.pending, chunk);
      const usable = Math.floor(all.length / 16) * 16 - 16;
      if (usable <= 0) {
        this.pending = all;
        return new Uint8Array(0);
      }
      const run = all.subarray(0, usable);
      this.pending = all.slice(usable);
      const key = await this.key;
      const last = run.slice(usable - 16);
      const pad = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-CBC', iv: last }, key, new Uint8Array(0)));
      const plain = new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-CBC', iv: this.iv }, key, concat(run, pad)));
      this.iv = last;
      return plain;
    });
  }

  /** The rest of the plaintext, its padding removed; rejects when the segment is not whole blocks. */
  end(): Promise<Uint8Array<ArrayBuffer>> {
    return this.next(async () => {
      if (this.pending.length === 0 || this.pending.length % 16 !== 0) throw new Error('AES-128 segment cut short');
      const key = await this.key;
      return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-CBC', iv: this.iv }, key, this.pending));
    });
  }

  private next<T>(step: () => Promise<T>): Promise<T> {
    const run = this.queue.then(step);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
