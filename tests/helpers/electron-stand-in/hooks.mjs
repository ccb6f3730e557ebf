/** Module hooks that resolve `electron` to the stand-in (registered by drive-built-app.mjs). */
let standIn = '';

/** @param {{ standIn: string }} data */
export function initialize(data) {
  standIn = data.standIn;
}

/** @param {string} specifier @param {unknown} context @param {Function} next */
export function resolve(specifier, context, next) {
  if (specifier === 'electron') return { url: standIn, shortCircuit: true };
  return next(specifier, context);
}
