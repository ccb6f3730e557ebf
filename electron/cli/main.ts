import { ModelError } from '../core/model/model-errors.js';
import { NameError } from '../shared/model-name.js';
import { EVAL_HELP, evalCommand } from './eval-command.js';
import { FINETUNE_HELP, finetuneCommand } from './finetune-command.js';
import { modelsCommand } from './models-command.js';
import { UsageError } from './size-args.js';
import { trainCommand } from './train-command.js';
import { UPSCALE_HELP, upscaleCommand } from './upscale-command.js';

const HELP = `liif: upscale photos to any size with LIIF

Commands:
  liif upscale <files or folders...> [options]   upscale images (liif upscale --help)
  liif models [--json]                           list installed models
  liif models rename|delete|export|import ...    manage your models (liif models help)
  liif train --data DIR (--steps N | --minutes M)  train a model (liif train --help)
  liif finetune --data DIR --name NAME            teach a model your photos (liif finetune --help)
  liif eval [options]                            score a model vs bicubic (liif eval --help)

Exit codes: 0 all done, 1 some inputs failed, 2 usage error.
`;

const COMMAND_HELP: Record<string, string> = {
  upscale: UPSCALE_HELP,
  eval: EVAL_HELP,
  finetune: FINETUNE_HELP,
};

interface CliIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/** Runs the CLI and returns its exit code (never calls process.exit, so tests can drive it). */
export async function runCli(
  argv: string[],
  io: CliIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'upscale':
        return await upscaleCommand(rest, io);
      case 'models':
        return await modelsCommand(rest, io);
      case 'train':
        return await trainCommand(rest, io);
      case 'eval':
        return await evalCommand(rest, io);
      case 'finetune':
        return await finetuneCommand(rest, io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout.write(HELP);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    const usage =
      error instanceof UsageError ||
      (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'));
    if (usage) {
      io.stderr.write(`liif: ${(error as Error).message}\n\n${COMMAND_HELP[command ?? ''] ?? HELP}`);
      return 2;
    }
    // A bad name is a usage error in one line (it was a RangeError's stack trace).
    if (error instanceof ModelError || error instanceof NameError) {
      io.stderr.write(`liif: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
