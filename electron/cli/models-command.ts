import { deleteModel, exportModel, importModel, renameModel } from '../core/model/model-library.js';
import { defaultModelRoots, listModels, resolveModel, userModelsDir } from '../core/model/model-registry.js';
import { UsageError } from './size-args.js';

export const MODELS_HELP = `Usage:
  liif models [--json]                 list installed models
  liif models rename NAME NEW_NAME     rename one of your models
  liif models delete NAME              delete one of your models
  liif models export NAME FOLDER       copy a model into FOLDER/NAME (to share or back up)
  liif models import FOLDER [NAME]     install a model folder as one of your models
Your models live in ${userModelsDir()} (LIIF_MODELS_DIR overrides it); shipped models cannot be
renamed or deleted.
`;

function args(rest: string[], count: number, max = count): string[] {
  if (rest.length < count || rest.length > max)
    throw new UsageError(`wrong number of arguments\n\n${MODELS_HELP}`);
  return rest;
}

export async function modelsCommand(
  argv: string[],
  io: { stdout: NodeJS.WriteStream },
  roots: string[] = defaultModelRoots(),
): Promise<number> {
  const [action, ...rest] = argv;
  const mine = userModelsDir();
  switch (action) {
    case 'rename': {
      const [from, to] = args(rest, 2);
      io.stdout.write(`renamed to ${await renameModel(mine, from, to, roots)}\n`);
      return 0;
    }
    case 'delete': {
      const [name] = args(rest, 1);
      await deleteModel(mine, name);
      io.stdout.write(`deleted ${name}\n`);
      return 0;
    }
    case 'export': {
      const [name, folder] = args(rest, 2);
      io.stdout.write(`exported to ${await exportModel(await resolveModel(name, roots), folder)}\n`);
      return 0;
    }
    case 'import': {
      const [folder, name] = args(rest, 1, 2);
      io.stdout.write(`imported as ${await importModel(folder, mine, name, roots)}\n`);
      return 0;
    }
    case 'help':
    case '--help':
      io.stdout.write(MODELS_HELP);
      return 0;
    case undefined:
    case '--json':
      break;
    default:
      throw new UsageError(`unknown models action "${action}"\n\n${MODELS_HELP}`);
  }
  const models = await listModels(roots);
  if (action === '--json') {
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
