/**
 * The app's model library: renaming, deleting, exporting and importing the user's models. Apart
 * from fine-tuning (which only adds models): these work on folders a run may be writing, so they
 * wait until no fine-tuning run is going.
 */
import { errorText } from '../core/image/image-errors.js';
import { deleteModel, exportModel, importModel, renameModel } from '../core/model/model-library.js';
import { resolveModel } from '../core/model/model-registry.js';
import type { ChosenPaths } from './chosen-paths.js';
import { ServiceError } from './service-error.js';

export type ModelsChange =
  | { readonly kind: 'added'; readonly name: string }
  | { readonly kind: 'renamed'; readonly from: string; readonly to: string }
  | { readonly kind: 'deleted'; readonly name: string };

export interface ModelLibraryOptions {
  /** The user models folder: the only one whose models can be renamed or deleted. */
  readonly modelsDir: string;
  readonly roots: readonly string[];
  readonly chosen: ChosenPaths;
  /** A fine-tuning run is going (it may be writing into the models folder). */
  readonly training: () => boolean;
  readonly modelsChanged: (change: ModelsChange) => Promise<void>;
}

export class ModelLibraryService {
  constructor(private readonly options: ModelLibraryOptions) {}

  async renameModel(name: string, to: string): Promise<void> {
    await this.library(() => renameModel(this.options.modelsDir, name, to, this.options.roots));
    await this.options.modelsChanged({ kind: 'renamed', from: name, to: to.trim() });
  }

  async deleteModel(name: string): Promise<void> {
    await this.library(() => deleteModel(this.options.modelsDir, name));
    await this.options.modelsChanged({ kind: 'deleted', name });
  }

  /** Copies a model into a folder the user chose; answers the new model folder. */
  async exportModel(name: string, folder: string): Promise<string> {
    this.checkChosen(folder);
    return this.library(async () => exportModel(await resolveModel(name, [...this.options.roots]), folder));
  }

  async importModel(folder: string): Promise<void> {
    this.checkChosen(folder);
    const dir = await this.library(() =>
      importModel(folder, this.options.modelsDir, undefined, this.options.roots),
    );
    await this.options.modelsChanged({ kind: 'added', name: dir.split(/[\\/]/).pop() ?? dir });
  }

  private checkChosen(path: string): void {
    if (!this.options.chosen.covers(path)) throw new ServiceError(`${path} is not a folder you chose`);
  }

  private async library<T>(call: () => Promise<T>): Promise<T> {
    if (this.options.training()) throw new ServiceError('wait until the fine-tuning run has stopped');
    try {
      return await call();
    } catch (error) {
      throw new ServiceError(errorText(error));
    }
  }
}
