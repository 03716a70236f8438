// --only / --skip id globs: "*" matches within and across dots ("lifecycle.*", "*.keepalive*").

export function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.');
  return new RegExp(`^${body}$`);
}

export function selected(id: string, only: string[], skip: string[]): boolean {
  const matches = (globs: string[]) => globs.some((g) => globToRegExp(g).test(id));
  return (only.length === 0 || matches(only)) && !matches(skip);
}
