// The repository's examples/*.yml, bundled at build time (each loaded on
// demand), to create a scenario from.
const files = import.meta.glob('../../examples/*.yml', { query: '?raw', import: 'default' }) as Record<string, () => Promise<string>>;

/** Example names (file names without .yml), sorted. */
export const exampleNames: string[] = Object.keys(files)
  .map((p) => p.replace(/^.*\//, '').replace(/\.yml$/, ''))
  .sort();

/** The YAML text of an example. */
export function loadExample(name: string): Promise<string> {
  const f = files[`../../examples/${name}.yml`];
  if (!f) return Promise.reject(new Error(`no example ${name}`));
  return f();
}
