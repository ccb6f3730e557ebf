/**
 * File names may hold control characters (ESC, newline, BEL): printed raw they can recolour or
 * rewrite the terminal, or fake a line of output. Shown as \xHH (and \n, \r, \t) instead; --json
 * output needs nothing, JSON.stringify escapes them.
 */
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

// C0 controls, DEL and the C1 range (U+009B is a one-character CSI on some terminals).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

export function terminalSafe(text: string): string {
  return text.replace(CONTROL, (c) => NAMED[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
