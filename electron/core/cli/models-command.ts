import { defaultModelRoots, listModels } from '../model/model-registry.js';

export async function modelsCommand(
  argv: string[],
  io: { stdout: NodeJS.WriteStream },
  roots: string[] = defaultModelRoots(),
): Promise<number> {
  const models = await listModels(roots);
  if (argv.includes('--json')) {
    io.stdout.write(
      `${JSON.stringify({ roots, models: models.map(({ name, dir, error }) => ({ name, dir, error })) })}\n`,
    );
    return 0;
  }
  if (models.length === 0) io.stdout.write(`no models installed (looked in ${roots.join(', ')})\n`);
  for (const m of models) {
    const what = m.error
      ? `unusable: ${m.error}`
      : (m.manifest?.displayName ?? m.manifest?.description ?? '');
    io.stdout.write(`${m.name}\t${m.dir}\t${what}\n`);
  }
  return 0;
}
