/**
 * Name globs for the planner's ignore list: `*` matches any run of characters (including none and
 * `/`), `?` matches one character, everything else is literal. Kept tiny on purpose:
 * `path.matchesGlob` is experimental on Node 20 and treats `/` specially, which names do not need.
 */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (const char of glob) {
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}

/** A predicate that is true for names matching any of the globs. */
export function globMatcher(globs: readonly string[]): (name: string) => boolean {
  const patterns = globs.map(globToRegExp);
  return (name) => patterns.some((p) => p.test(name));
}
