/**
 * Output file names from a template such as `{name}_{width}x{height}.{ext}`: rendering and
 * cleaning, with no Node imports, so the renderer checks a template as it is typed with exactly
 * the rule the writer applies.
 */

/** The placeholders a template may use, in the order the hint lists them. */
export const NAME_PLACEHOLDERS = ['name', 'width', 'height', 'scale', 'ext'] as const;

export interface NameVars {
  /** Source file name without folder or extension. */
  name: string;
  width: number;
  height: number;
  /** Scale as the user typed it, e.g. "4" or "2.5". Renders empty when absent. */
  scale?: string;
  /** Extension without the dot. */
  ext: string;
}

// Characters Windows forbids in names, both separators, and control characters.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is removed
const UNSAFE = /[<>:"/\\|?*\u0000-\u001f]/g;
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/** Make one path segment safe on Windows, macOS and Linux: no separators, no reserved names. */
export function sanitizeFileName(name: string): string {
  let out = name.replace(UNSAFE, '_');
  // Windows silently drops trailing dots and spaces, so "a." and "a" would collide.
  out = out.replace(/[. ]+$/, '');
  if (out === '' || out === '.' || out === '..')
    throw new Error(`output file name "${name}" is empty after cleaning`);
  if (RESERVED.test(out)) out = `_${out}`;
  return out;
}

/**
 * Render an output file name such as `{name}_{width}x{height}.{ext}`. Placeholders: name, width,
 * height, scale, ext; any other `{...}` throws, so a typo in a user template is reported instead of
 * silently producing a literal "{heigth}". The result is a single safe file name, never a path.
 */
export function outputFileName(template: string, vars: NameVars): string {
  const values: Record<string, string> = {
    name: vars.name,
    width: String(vars.width),
    height: String(vars.height),
    scale: vars.scale ?? '',
    ext: vars.ext,
  };
  const rendered = template.replace(/\{([^{}]*)\}/g, (whole, key: string) => {
    const value = values[key];
    if (value === undefined)
      throw new Error(`unknown placeholder ${whole} in file name template "${template}"`);
    return value;
  });
  return sanitizeFileName(rendered);
}

/** The app's templates leave out the extension; the writer's need `{ext}`. */
export function templateWithExt(template: string): string {
  return template.includes('{ext}') ? template : `${template}.{ext}`;
}

/** What an app template names a photo, or why it cannot be used: for a live check under the field. */
export function templateExample(
  template: string,
  vars: NameVars,
): { readonly ok: true; readonly name: string } | { readonly ok: false; readonly problem: string } {
  if (template.trim() === '') return { ok: false, problem: 'the file name template is empty' };
  // Named against what the user typed, not the template with the extension the app adds.
  const unknown = [...template.matchAll(/\{([^{}]*)\}/g)].find(
    (m) => !(NAME_PLACEHOLDERS as readonly string[]).includes(m[1]!),
  );
  if (unknown)
    return {
      ok: false,
      problem: `unknown placeholder ${unknown[0]}: use {name}, {width}, {height} or {scale}`,
    };
  try {
    return { ok: true, name: outputFileName(templateWithExt(template), vars) };
  } catch (error) {
    return { ok: false, problem: error instanceof Error ? error.message : String(error) };
  }
}
