/**
 * `/status` as JSON text, cheap to ask for often (the way to wait for a change is to poll it, and
 * at 1,000 entities the document is about 150 KB). Large arrays (the entity list, the revision
 * history, the router's TCP entities) are serialised once per array, up to {@link CACHED_CHARS}: everything that builds the
 * document replaces an array to change it and never edits one in place (`StatusStore`,
 * `RevisionHistory`, the health poller), so an array seen before has the same text.
 */

/** Arrays shorter than this are serialised on every request (cheaper than a cache lookup pays back). */
const CACHED_LENGTH = 32;
/**
 * Texts longer than this are not kept: at 10,000 entities the kept texts cost 3–4 MB of RSS, and
 * the footprint goal there matters more than the cost of serialising a rarely read document.
 */
const CACHED_CHARS = 256 * 1024;

export class StatusJson {
  readonly #cache = new WeakMap<readonly unknown[], string>();

  /** Compact JSON of `value`, as `JSON.stringify(value)` gives it. */
  text(value: unknown): string {
    return this.#write(value) ?? 'null';
  }

  /** undefined where JSON.stringify leaves the value out (undefined, functions, symbols). */
  #write(value: unknown): string | undefined {
    if (Array.isArray(value)) {
      if (value.length < CACHED_LENGTH) return JSON.stringify(value);
      let text = this.#cache.get(value);
      if (text === undefined) {
        text = JSON.stringify(value);
        if (text.length <= CACHED_CHARS) this.#cache.set(value, text);
      }
      return text;
    }
    if (value === null || typeof value !== 'object' || typeof (value as { toJSON?: unknown }).toJSON === 'function') return JSON.stringify(value);
    const parts: string[] = [];
    for (const [key, item] of Object.entries(value)) {
      const text = this.#write(item);
      if (text !== undefined) parts.push(`${JSON.stringify(key)}:${text}`);
    }
    return `{${parts.join(',')}}`;
  }
}
